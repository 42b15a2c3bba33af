package org.jlibp2p.node.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jlibp2p.core.swarm.SwarmEvent;

/**
 * A group of the daemon's metrics: one per protocol or service (the swarm, the DHT, pubsub, ...). To add metrics of
 * a module, write a source in this package that registers them, and name it in {@link DaemonMetrics#sources}.
 *
 * <p>Two kinds of metric fit here: values read when Prometheus scrapes (a {@code GaugeWithCallback} or
 * {@code CounterWithCallback} asking the behaviour for a size or a counter it keeps), and counters of events
 * ({@code Counter}, incremented in {@link #onEvent}). Label values must come from a small set (a protocol the node
 * serves, a topic it subscribed to), never from what peers send.
 */
public interface MetricsSource {
    /** Registers the source's metrics; called once, before the endpoint serves. */
    void register(PrometheusRegistry registry);

    /**
     * Every event of the swarm, in order, on one thread (a behaviour's own events arrive as
     * {@link SwarmEvent.Emitted}). Must be quick and must not block.
     */
    default void onEvent(SwarmEvent event) {}
}
