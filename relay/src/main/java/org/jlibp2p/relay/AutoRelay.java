package org.jlibp2p.relay;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.autonat.AutonatEvent;
import org.jlibp2p.autonat.Reachability;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.identify.IdentifyEvent;

/**
 * Relays found among the connected peers, for a node others cannot dial: once AutoNAT finds the node
 * {@linkplain Reachability#PRIVATE private}, reserves a slot (with the node's {@link RelayClient}) on up to
 * {@link AutoRelayConfig#maxRelays()} peers it holds a direct connection to whose identify protocols include
 * {@value RelayService#HOP_PROTOCOL_ID}; the client then advertises the circuit addresses. A relay that goes away
 * (disconnects, refuses a renewal) is replaced by another candidate when there is one; a peer that refuses is not
 * asked again for {@link AutoRelayConfig#backoff()}. When AutoNAT finds the node {@linkplain Reachability#PUBLIC
 * public}, the reservations this behaviour made are released; while it is {@linkplain Reachability#UNKNOWN unknown}
 * nothing changes. Reservations made otherwise (static relays, {@link RelayClient#reserve} called by the
 * application) count towards the number held and are left alone.
 */
public final class AutoRelay implements Behaviour {
    private static final System.Logger LOG = System.getLogger(AutoRelay.class.getName());

    private final RelayClient client;
    private final AutoRelayConfig config;
    private BehaviourContext context;
    // Written on the behaviour's thread; read by queries.
    private final Set<PeerId> mine = ConcurrentHashMap.newKeySet();
    private final Set<PeerId> pending = ConcurrentHashMap.newKeySet();
    // Confined to the behaviour's thread.
    private final Map<PeerId, Instant> backoff = new HashMap<>();
    private volatile boolean active;

    public AutoRelay(RelayClient client, AutoRelayConfig config) {
        this.client = client;
        this.config = config;
    }

    public AutoRelay(RelayClient client) {
        this(client, AutoRelayConfig.defaults());
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.every(Duration.ofSeconds(30), this::evaluate);
    }

    /** Whether the node is looking for relays (AutoNAT last said private). */
    public boolean active() {
        return active;
    }

    /** The relays this behaviour holds a reservation with or is asking for one now. */
    public Set<PeerId> relays() {
        Set<PeerId> out = new LinkedHashSet<>(mine);
        out.addAll(pending);
        return Set.copyOf(out);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.Emitted(AutonatEvent.ReachabilityChanged r) -> reachability(r.reachability());
            case SwarmEvent.Emitted(IdentifyEvent.Received r) -> evaluate();
            case SwarmEvent.Emitted(RelayEvent.ReservationLost lost) -> {
                mine.remove(lost.relay());
                evaluate();
            }
            default -> { }
        }
    }

    private void reachability(Reachability r) {
        switch (r) {
            case PRIVATE -> {
                active = true;
                evaluate();
            }
            case PUBLIC -> {
                if (active) {
                    active = false;
                    LOG.log(System.Logger.Level.DEBUG, () -> "reachable: releasing relays " + mine);
                    mine.forEach(client::release);
                }
            }
            case UNKNOWN -> { }
        }
    }

    /** On the behaviour's thread: ask candidates for the reservations missing. */
    private void evaluate() {
        if (!active) {
            return;
        }
        Instant now = context.scheduler().now();
        backoff.values().removeIf(until -> !until.isAfter(now));
        Set<PeerId> held = new LinkedHashSet<>();
        client.reservations().forEach(res -> held.add(res.relay()));
        held.addAll(pending);
        int missing = config.maxRelays() - held.size();
        if (missing <= 0) {
            return;
        }
        Set<PeerId> candidates = new LinkedHashSet<>();
        for (Connection c : context.connections()) {
            PeerId p = c.remotePeer();
            if (!c.limited() && c.isOpen() && !held.contains(p) && !backoff.containsKey(p)
                    && context.peerstore().protocols(p).contains(RelayService.HOP_PROTOCOL_ID)) {
                candidates.add(p);
            }
        }
        for (PeerId relay : candidates.stream().limit(missing).toList()) {
            pending.add(relay);
            context.spawn("autorelay-" + relay, () -> reserve(relay));
        }
    }

    private void reserve(PeerId relay) {
        try {
            Reservation r = client.reserve(relay, List.of());
            LOG.log(System.Logger.Level.DEBUG, () -> "reserved on " + relay + ": " + r.circuitAddresses());
            context.execute(() -> {
                pending.remove(relay);
                if (!client.reservations().stream().anyMatch(x -> x.relay().equals(relay))) {
                    evaluate(); // lost again meanwhile
                } else if (active) {
                    mine.add(relay);
                } else {
                    client.release(relay);
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "no reservation on " + relay + ": " + e.getMessage());
            context.execute(() -> {
                pending.remove(relay);
                backoff.put(relay, context.scheduler().now().plus(config.backoff()));
                evaluate();
            });
        }
    }
}
