package org.jlibp2p.relay.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.relay.RelayStatus;

/**
 * A relay's reservations and circuits, as a state machine without I/O: the caller passes the time. Not thread-safe:
 * the relay behaviour's thread owns it.
 *
 * <p>A reservation is refused ({@link RelayStatus#RESERVATION_REFUSED}) once {@code maxReservations} are held or
 * {@code maxPerIp} come from the reserving peer's IP; a peer renewing keeps its slot. A circuit is refused
 * ({@link RelayStatus#RESOURCE_LIMIT_EXCEEDED}) when either end already has {@code maxCircuits}, and
 * ({@link RelayStatus#NO_RESERVATION}) when its destination holds no live reservation.
 */
public final class ReservationTable {
    private record Entry(Optional<String> ip, Instant expire) {}

    private final Duration ttl;
    private final int maxReservations;
    private final int maxPerIp;
    private final int maxCircuits;
    private final Map<PeerId, Entry> reservations = new HashMap<>();
    private final Map<String, Integer> perIp = new HashMap<>();
    private final Map<PeerId, Integer> circuits = new HashMap<>();

    public ReservationTable(Duration ttl, int maxReservations, int maxPerIp, int maxCircuits) {
        this.ttl = ttl;
        this.maxReservations = maxReservations;
        this.maxPerIp = maxPerIp;
        this.maxCircuits = maxCircuits;
    }

    /** The outcome of a reservation request: OK with its expiry, or a refusal. */
    public record Outcome(RelayStatus status, Instant expire) {}

    /** Reserves (or renews) a slot for {@code peer}, reserving from {@code ip} (empty when it has none). */
    public Outcome reserve(PeerId peer, Optional<String> ip, Instant now) {
        expire(now);
        Entry old = reservations.get(peer);
        if (old == null) {
            if (reservations.size() >= maxReservations) {
                return new Outcome(RelayStatus.RESERVATION_REFUSED, now);
            }
            if (ip.isPresent() && perIp.getOrDefault(ip.get(), 0) >= maxPerIp) {
                return new Outcome(RelayStatus.RESERVATION_REFUSED, now);
            }
        } else {
            release(old);
            if (ip.isPresent() && !ip.equals(old.ip()) && perIp.getOrDefault(ip.get(), 0) >= maxPerIp) {
                reservations.remove(peer);
                return new Outcome(RelayStatus.RESERVATION_REFUSED, now);
            }
        }
        Instant expire = now.plus(ttl);
        reservations.put(peer, new Entry(ip, expire));
        ip.ifPresent(k -> perIp.merge(k, 1, Integer::sum));
        return new Outcome(RelayStatus.OK, expire);
    }

    /** Whether {@code peer} holds a live reservation. */
    public boolean hasReservation(PeerId peer, Instant now) {
        Entry e = reservations.get(peer);
        return e != null && now.isBefore(e.expire());
    }

    /** Drops {@code peer}'s reservation (its connection to the relay closed). */
    public void drop(PeerId peer) {
        Entry e = reservations.remove(peer);
        if (e != null) {
            release(e);
        }
    }

    /**
     * Admits a circuit from {@code src} to {@code dst}: OK (and counted at both ends until {@link #closeCircuit}), or
     * the refusal.
     */
    public RelayStatus openCircuit(PeerId src, PeerId dst, Instant now) {
        if (!hasReservation(dst, now)) {
            return RelayStatus.NO_RESERVATION;
        }
        if (circuits.getOrDefault(src, 0) >= maxCircuits || circuits.getOrDefault(dst, 0) >= maxCircuits) {
            return RelayStatus.RESOURCE_LIMIT_EXCEEDED;
        }
        circuits.merge(src, 1, Integer::sum);
        circuits.merge(dst, 1, Integer::sum);
        return RelayStatus.OK;
    }

    public void closeCircuit(PeerId src, PeerId dst) {
        circuits.computeIfPresent(src, (k, n) -> n <= 1 ? null : n - 1);
        circuits.computeIfPresent(dst, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Forgets the reservations expired at {@code now}. */
    public void expire(Instant now) {
        for (Iterator<Entry> it = reservations.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (!now.isBefore(e.expire())) {
                it.remove();
                release(e);
            }
        }
    }

    private void release(Entry e) {
        e.ip().ifPresent(k -> perIp.computeIfPresent(k, (x, n) -> n <= 1 ? null : n - 1));
    }

    public int reservationCount() {
        return reservations.size();
    }

    public int circuitCount() {
        return circuits.values().stream().mapToInt(Integer::intValue).sum() / 2;
    }

    /** The peers holding reservations, with their expiry. */
    public Map<PeerId, Instant> reservations() {
        Map<PeerId, Instant> out = new HashMap<>();
        reservations.forEach((p, e) -> out.put(p, e.expire()));
        return out;
    }
}
