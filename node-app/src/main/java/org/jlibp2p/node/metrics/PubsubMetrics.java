package org.jlibp2p.node.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jlibp2p.gossipsub.GossipsubBehaviour;

/** Pubsub: messages by fate (the router's counters), peers, and the mesh of each topic subscribed to. */
final class PubsubMetrics implements MetricsSource {
    private final GossipsubBehaviour pubsub;

    PubsubMetrics(GossipsubBehaviour pubsub) {
        this.pubsub = pubsub;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        CounterWithCallback.builder().name("libp2p_pubsub_messages")
                .help("Pubsub messages: published here, delivered to subscribers here, duplicates, rejected and"
                        + " ignored by validation")
                .labelNames("fate").callback(cb -> {
                    GossipsubBehaviour.Stats s = stats();
                    if (s != null) {
                        cb.call(s.published(), "published");
                        cb.call(s.delivered(), "delivered");
                        cb.call(s.duplicates(), "duplicate");
                        cb.call(s.rejected(), "rejected");
                        cb.call(s.ignored(), "ignored");
                    }
                }).register(registry);
        CounterWithCallback.builder().name("libp2p_pubsub_rpcs").help("Pubsub RPCs received and queued to send")
                .labelNames("direction").callback(cb -> {
                    cb.call(pubsub.rpcsReceived(), "received");
                    cb.call(pubsub.rpcsSent(), "sent");
                }).register(registry);
        GaugeWithCallback.builder().name("libp2p_pubsub_peers").help("Peers speaking pubsub")
                .callback(cb -> {
                    try {
                        cb.call(pubsub.peers().size());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("libp2p_pubsub_mesh_peers")
                .help("Peers in the mesh of each topic subscribed to").labelNames("topic").callback(cb -> {
                    try {
                        for (String topic : pubsub.topics()) {
                            cb.call(pubsub.mesh(topic).size(), topic);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).register(registry);
    }

    private GossipsubBehaviour.Stats stats() {
        try {
            return pubsub.stats();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
