package org.jlibp2p.autonat.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.peer.PeerId;

/**
 * The server's admission control, without I/O (the time is passed in): at most {@code globalPerMinute} requests in
 * any minute, {@code perPeerPerMinute} from one peer, {@code maxConcurrent} in flight and one per peer at a time. The
 * memory it keeps is bounded by the global limit (one timestamp per admitted request of the last minute). Handler
 * threads share it, so it is synchronized; nothing inside blocks.
 */
public final class RateLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int globalPerMinute;
    private final int perPeerPerMinute;
    private final int maxConcurrent;
    private final ArrayDeque<Instant> admitted = new ArrayDeque<>();
    private final Map<PeerId, ArrayDeque<Instant>> perPeer = new HashMap<>();
    private final Set<PeerId> inFlight = new HashSet<>();

    public RateLimiter(int globalPerMinute, int perPeerPerMinute, int maxConcurrent) {
        this.globalPerMinute = globalPerMinute;
        this.perPeerPerMinute = perPeerPerMinute;
        this.maxConcurrent = maxConcurrent;
    }

    /** Why a request is refused, or null when admitted: the caller must then call {@link #done} once. */
    public synchronized String admit(PeerId peer, Instant now) {
        forget(now);
        if (inFlight.contains(peer)) {
            return "a request of this peer is in flight";
        }
        if (inFlight.size() >= maxConcurrent) {
            return "too many dial-backs in flight";
        }
        if (admitted.size() >= globalPerMinute) {
            return "too many requests";
        }
        ArrayDeque<Instant> mine = perPeer.computeIfAbsent(peer, p -> new ArrayDeque<>());
        if (mine.size() >= perPeerPerMinute) {
            return "too many requests from this peer";
        }
        admitted.addLast(now);
        mine.addLast(now);
        inFlight.add(peer);
        return null;
    }

    public synchronized void done(PeerId peer) {
        inFlight.remove(peer);
    }

    public synchronized int inFlight() {
        return inFlight.size();
    }

    /** Peers with requests in the last minute: bounded by the global limit. */
    public synchronized int trackedPeers(Instant now) {
        forget(now);
        return perPeer.size();
    }

    private void forget(Instant now) {
        Instant horizon = now.minus(WINDOW);
        while (!admitted.isEmpty() && !admitted.peekFirst().isAfter(horizon)) {
            admitted.removeFirst();
        }
        perPeer.values().removeIf(q -> {
            while (!q.isEmpty() && !q.peekFirst().isAfter(horizon)) {
                q.removeFirst();
            }
            return q.isEmpty();
        });
    }
}
