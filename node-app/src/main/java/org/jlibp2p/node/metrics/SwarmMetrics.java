package org.jlibp2p.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;
import org.jlibp2p.core.resource.ResourceManager;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;

/** Connections, streams by protocol, and bytes on the wire. */
final class SwarmMetrics implements MetricsSource {
    private final Swarm swarm;
    private final LongAdder received;
    private final LongAdder sent;
    private Counter opened;
    private Counter closed;
    private Counter inboundStreams;

    SwarmMetrics(Swarm swarm, LongAdder received, LongAdder sent) {
        this.swarm = swarm;
        this.received = received;
        this.sent = sent;
    }

    private static String dir(Direction d) {
        return d.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void register(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("libp2p_connections").help("Open connections")
                .labelNames("direction").callback(cb -> {
                    int in = 0;
                    int out = 0;
                    for (Connection c : swarm.connections()) {
                        if (c.direction() == Direction.INBOUND) {
                            in++;
                        } else {
                            out++;
                        }
                    }
                    cb.call(in, "inbound");
                    cb.call(out, "outbound");
                }).register(registry);
        opened = Counter.builder().name("libp2p_connections_opened").help("Connections established")
                .labelNames("direction").register(registry);
        closed = Counter.builder().name("libp2p_connections_closed").help("Connections closed")
                .labelNames("direction").register(registry);
        GaugeWithCallback.builder().name("libp2p_streams")
                .help("Open streams by protocol (as the resource manager counts them)")
                .labelNames("protocol", "direction").callback(cb -> {
                    ResourceManager.Usage u = swarm.resources().usage();
                    u.protocols().forEach((protocol, s) -> {
                        cb.call(s.streamsInbound(), protocol, "inbound");
                        cb.call(s.streamsOutbound(), protocol, "outbound");
                    });
                }).register(registry);
        inboundStreams = Counter.builder().name("libp2p_inbound_streams")
                .help("Inbound streams negotiated and handed to their handler, by protocol")
                .labelNames("protocol").register(registry);
        CounterWithCallback.builder().name("libp2p_transport_received_bytes")
                .help("Bytes received on every connection, on the wire").callback(cb -> cb.call(received.sum()))
                .register(registry);
        CounterWithCallback.builder().name("libp2p_transport_sent_bytes")
                .help("Bytes sent on every connection, on the wire").callback(cb -> cb.call(sent.sum()))
                .register(registry);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.ConnectionEstablished e -> opened.labelValues(dir(e.connection().direction())).inc();
            case SwarmEvent.ConnectionClosed e -> closed.labelValues(dir(e.connection().direction())).inc();
            case SwarmEvent.InboundStream s -> inboundStreams.labelValues(s.protocol()).inc();
            default -> { }
        }
    }
}
