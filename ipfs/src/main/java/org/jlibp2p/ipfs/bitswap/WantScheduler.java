package org.jlibp2p.ipfs.bitswap;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;

/**
 * Which block to ask of which provider, for one fetch: a state machine without I/O, fed the time. Wanted blocks are
 * spread over the providers (each asked for a block with want-block and send-dont-have, at most
 * {@code maxInFlightPerPeer} at a time, the least busy first); a block is asked again of another provider when the
 * first answers DONT_HAVE, does not answer within {@code timeout}, disconnects, or is banned for sending a bad block.
 * A provider that answered DONT_HAVE for a block, or timed out on it, is not asked for it again while another one
 * may be; when every provider has been tried, they are tried again after {@link #RETRY_DELAY} (so that providers
 * that all answer DONT_HAVE are not asked in a tight loop). Blocks are keyed by multihash, as stores are.
 * Not thread-safe: its owner serializes calls.
 */
public final class WantScheduler {
    /** What to send to one peer: blocks to want, and wants to cancel. */
    public record Request(PeerId peer, List<Cid> wantBlocks, List<Cid> cancels) {}

    private record InFlight(PeerId peer, Instant deadline) {}

    /** How long a block every provider was asked for waits before they are all asked again. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final int maxInFlightPerPeer;
    private final Duration timeout;
    private final LinkedHashMap<Multihash, Cid> pending = new LinkedHashMap<>();
    private final Map<Multihash, Cid> cids = new HashMap<>();
    private final Map<Multihash, InFlight> inFlight = new HashMap<>();
    private final Map<Multihash, Set<PeerId>> tried = new HashMap<>();
    private final LinkedHashSet<PeerId> peers = new LinkedHashSet<>();
    private final Set<PeerId> banned = new HashSet<>();
    private final Map<PeerId, Integer> load = new HashMap<>();
    private final Map<PeerId, Set<Multihash>> asked = new HashMap<>();
    private final Map<PeerId, List<Cid>> cancels = new HashMap<>();
    private final Map<PeerId, Long> received = new HashMap<>();
    private final Map<Multihash, Instant> notBefore = new HashMap<>();

    public WantScheduler(int maxInFlightPerPeer, Duration timeout) {
        if (maxInFlightPerPeer < 1) {
            throw new IllegalArgumentException("maxInFlightPerPeer < 1");
        }
        this.maxInFlightPerPeer = maxInFlightPerPeer;
        this.timeout = timeout;
    }

    /** Wants {@code cid} (a no-op if already wanted). */
    public void want(Cid cid) {
        Multihash mh = cid.multihash();
        if (!cids.containsKey(mh)) {
            cids.put(mh, cid);
            pending.put(mh, cid);
        }
    }

    public void addPeer(PeerId peer) {
        if (!banned.contains(peer)) {
            peers.add(peer);
        }
    }

    /** The peer left (disconnected): what it was asked goes back to the queue. */
    public void removePeer(PeerId peer) {
        peers.remove(peer);
        requeueFrom(peer);
    }

    /** The peer misbehaved: never asked again in this fetch. */
    public void ban(PeerId peer) {
        banned.add(peer);
        removePeer(peer);
    }

    public boolean isBanned(PeerId peer) {
        return banned.contains(peer);
    }

    /** Whether this fetch ever asked {@code peer} for {@code mh}. */
    public boolean asked(PeerId peer, Multihash mh) {
        return asked.getOrDefault(peer, Set.of()).contains(mh);
    }

    /** Whether {@code mh} is still wanted. */
    public boolean wants(Multihash mh) {
        return cids.containsKey(mh);
    }

    /**
     * A block arrived from {@code peer}; returns whether it was wanted (it is wanted no more). A provider asked for
     * it that did not send it is sent a cancel.
     */
    public boolean onBlock(PeerId peer, Cid cid) {
        Multihash mh = cid.multihash();
        if (cids.remove(mh) == null) {
            return false;
        }
        pending.remove(mh);
        tried.remove(mh);
        notBefore.remove(mh);
        InFlight f = inFlight.remove(mh);
        if (f != null) {
            unload(f.peer());
            if (!f.peer().equals(peer)) {
                cancels.computeIfAbsent(f.peer(), p -> new ArrayList<>()).add(cid);
            }
        }
        received.merge(peer, 1L, Long::sum);
        return true;
    }

    /** {@code peer} has not the block: someone else is asked. */
    public void onDontHave(PeerId peer, Cid cid) {
        Multihash mh = cid.multihash();
        InFlight f = inFlight.get(mh);
        if (f != null && f.peer().equals(peer)) {
            inFlight.remove(mh);
            unload(peer);
            tried.computeIfAbsent(mh, k -> new HashSet<>()).add(peer);
            pending.put(mh, cids.get(mh));
        }
    }

    /**
     * Moves time to {@code now} (asks that timed out go back to the queue) and assigns queued wants to providers;
     * returns what to send.
     */
    public List<Request> poll(Instant now) {
        for (Iterator<Map.Entry<Multihash, InFlight>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Multihash, InFlight> e = it.next();
            if (!now.isBefore(e.getValue().deadline())) {
                it.remove();
                unload(e.getValue().peer());
                tried.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(e.getValue().peer());
                pending.put(e.getKey(), cids.get(e.getKey()));
                cancels.computeIfAbsent(e.getValue().peer(), p -> new ArrayList<>()).add(cids.get(e.getKey()));
            }
        }
        Map<PeerId, List<Cid>> wants = new LinkedHashMap<>();
        for (Iterator<Map.Entry<Multihash, Cid>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Multihash, Cid> e = it.next();
            Instant wait = notBefore.get(e.getKey());
            if (wait != null) {
                if (now.isBefore(wait)) {
                    continue;
                }
                notBefore.remove(e.getKey());
            }
            Set<PeerId> t = tried.getOrDefault(e.getKey(), Set.of());
            if (!peers.isEmpty() && t.containsAll(peers)) {
                tried.remove(e.getKey()); // every provider tried: try them all again, a little later
                notBefore.put(e.getKey(), now.plus(RETRY_DELAY));
                continue;
            }
            PeerId best = null;
            int bestLoad = maxInFlightPerPeer;
            for (PeerId p : peers) {
                int l = load.getOrDefault(p, 0);
                if (l < bestLoad && !t.contains(p)) {
                    best = p;
                    bestLoad = l;
                }
            }
            if (best == null) {
                continue;
            }
            it.remove();
            inFlight.put(e.getKey(), new InFlight(best, now.plus(timeout)));
            load.merge(best, 1, Integer::sum);
            asked.computeIfAbsent(best, p -> new HashSet<>()).add(e.getKey());
            wants.computeIfAbsent(best, p -> new ArrayList<>()).add(e.getValue());
        }
        List<Request> out = new ArrayList<>();
        Set<PeerId> all = new LinkedHashSet<>(wants.keySet());
        all.addAll(cancels.keySet());
        for (PeerId p : all) {
            List<Cid> c = cancels.getOrDefault(p, List.of());
            if (banned.contains(p)) {
                continue;
            }
            out.add(new Request(p, wants.getOrDefault(p, List.of()), c));
        }
        cancels.clear();
        return out;
    }

    /** The earliest deadline of an ask in flight, if any. */
    public Instant nextDeadline() {
        Instant d = null;
        for (InFlight f : inFlight.values()) {
            if (d == null || f.deadline().isBefore(d)) {
                d = f.deadline();
            }
        }
        return d;
    }

    public boolean done() {
        return cids.isEmpty();
    }

    /** Blocks still wanted. */
    public int remaining() {
        return cids.size();
    }

    public int inFlight() {
        return inFlight.size();
    }

    /** The providers that may be asked. */
    public Set<PeerId> peers() {
        return Set.copyOf(peers);
    }

    /** Blocks received, by provider. */
    public Map<PeerId, Long> receivedByPeer() {
        return Map.copyOf(received);
    }

    private void requeueFrom(PeerId peer) {
        for (Iterator<Map.Entry<Multihash, InFlight>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Multihash, InFlight> e = it.next();
            if (e.getValue().peer().equals(peer)) {
                it.remove();
                pending.put(e.getKey(), cids.get(e.getKey()));
            }
        }
        load.remove(peer);
    }

    private void unload(PeerId peer) {
        load.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
    }
}
