package org.jlibp2p.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.kademlia.KademliaEvent;

/** The DHT: lookups by kind and outcome, the requests they sent, and the routing table's size. */
final class DhtMetrics implements MetricsSource {
    private final AtomicInteger tableSize = new AtomicInteger();
    private Counter queries;
    private Counter requests;

    @Override
    public void register(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("libp2p_kad_routing_table_size").help("Peers in the DHT's routing table")
                .callback(cb -> cb.call(tableSize.get())).register(registry);
        queries = Counter.builder().name("libp2p_kad_queries").help("DHT lookups ended, by kind and outcome")
                .labelNames("kind", "found").register(registry);
        requests = Counter.builder().name("libp2p_kad_query_requests")
                .help("Requests DHT lookups sent, by kind of lookup and outcome of the request")
                .labelNames("kind", "outcome").register(registry);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.Emitted(KademliaEvent.RoutingUpdated r) -> tableSize.set(r.tableSize());
            case SwarmEvent.Emitted(KademliaEvent.QueryFinished(KademliaEvent.QueryStats s)) -> {
                String kind = s.kind().name().toLowerCase(Locale.ROOT);
                queries.labelValues(kind, Boolean.toString(s.found())).inc();
                requests.labelValues(kind, "answered").inc(s.successes());
                requests.labelValues(kind, "failed").inc(s.failures());
            }
            default -> { }
        }
    }
}
