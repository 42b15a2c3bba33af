package org.jlibp2p.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.KademliaEvent;
import org.jlibp2p.kademlia.ServedRequests;

/**
 * The DHT: lookups by kind and outcome, the requests they sent, the requests the node served by type and outcome,
 * and the routing table's size.
 */
final class DhtMetrics implements MetricsSource {
    private final KademliaBehaviour dht;
    private final AtomicInteger tableSize = new AtomicInteger();
    private Counter queries;
    private Counter requests;

    DhtMetrics(KademliaBehaviour dht) {
        this.dht = dht;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("libp2p_kad_routing_table_size").help("Peers in the DHT's routing table")
                .callback(cb -> cb.call(tableSize.get())).register(registry);
        queries = Counter.builder().name("libp2p_kad_queries").help("DHT lookups ended, by kind and outcome")
                .labelNames("kind", "found").register(registry);
        requests = Counter.builder().name("libp2p_kad_query_requests")
                .help("Requests DHT lookups sent, by kind of lookup and outcome of the request")
                .labelNames("kind", "outcome").register(registry);
        ServedRequests served = dht.served();
        CounterWithCallback.builder().name("libp2p_kad_inbound_requests")
                .help("DHT requests this node served, by message type and outcome (malformed ones have no type)")
                .labelNames("type", "outcome").callback(cb -> {
                    for (String type : ServedRequests.TYPES) {
                        for (ServedRequests.Outcome o : List.of(ServedRequests.Outcome.ANSWERED,
                                ServedRequests.Outcome.REFUSED)) {
                            cb.call(served.count(type, o), type.toLowerCase(Locale.ROOT),
                                    o.name().toLowerCase(Locale.ROOT));
                        }
                    }
                    cb.call(served.count(ServedRequests.UNKNOWN, ServedRequests.Outcome.MALFORMED), "unknown",
                            "malformed");
                }).register(registry);
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
