package org.jlibp2p.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayEvent;
import org.jlibp2p.relay.RelayService;

/**
 * Circuit relay: the reservations this node holds on relays (client), and, when it relays for others (service), the
 * reservations and circuits it serves, the bytes it relayed, and refusals by status.
 */
final class RelayMetrics implements MetricsSource {
    private final Optional<RelayClient> client;
    private final Optional<RelayService> service;
    private Counter refusals;

    RelayMetrics(Optional<RelayClient> client, Optional<RelayService> service) {
        this.client = client;
        this.service = service;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        client.ifPresent(c -> GaugeWithCallback.builder().name("libp2p_relay_client_reservations")
                .help("Reservations this node holds on relays").callback(cb -> cb.call(c.reservations().size()))
                .register(registry));
        if (service.isEmpty()) {
            return;
        }
        RelayService s = service.get();
        GaugeWithCallback.builder().name("libp2p_relay_service_reservations")
                .help("Reservations this relay holds for others").callback(cb -> {
                    try {
                        cb.call(s.reservations().size());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("libp2p_relay_service_circuits").help("Circuits open through this relay")
                .callback(cb -> {
                    try {
                        cb.call(s.circuitCount());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).register(registry);
        CounterWithCallback.builder().name("libp2p_relay_service_bytes").help("Bytes relayed, both directions")
                .callback(cb -> cb.call(s.bytesRelayed())).register(registry);
        refusals = Counter.builder().name("libp2p_relay_service_refusals")
                .help("Reservations and circuits this relay refused, by status").labelNames("what", "status")
                .register(registry);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (refusals == null) {
            return;
        }
        switch (event) {
            case SwarmEvent.Emitted(RelayEvent.ReservationRefused r) ->
                    refusals.labelValues("reservation", r.status().name()).inc();
            case SwarmEvent.Emitted(RelayEvent.CircuitRefused r) ->
                    refusals.labelValues("circuit", r.status().name()).inc();
            default -> { }
        }
    }
}
