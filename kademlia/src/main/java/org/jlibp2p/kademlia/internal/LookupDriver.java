package org.jlibp2p.kademlia.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.PeerInfo;

/**
 * One lookup as a node runs it, without I/O: the {@link PeerLookup} state machine seeded from the routing table,
 * the addresses learnt for the peers it may ask, and the lookup's deadline. The caller sends what {@link #step}
 * says, wakes it when asked, and hands it answers ({@link #absorb}) and failures. The node's behaviour and the
 * simulator drive lookups through this class. Not thread-safe; times are nanoseconds of the node's clock.
 */
public final class LookupDriver {
    /** What the caller does next. */
    public sealed interface Step {
        /** Send the request to {@code peer} at {@code addresses} (empty if none is known), then call step again. */
        record Send(PeerId peer, List<Multiaddr> addresses) implements Step {}

        /** Call step again at {@code at} (earlier than any wake-up asked for before, which it replaces). */
        record WakeAt(long at) implements Step {}

        /** Nothing to do until an answer, a failure or the wake-up already asked for. */
        record Idle() implements Step {}

        /** The lookup is over: its deadline passed, or no peer is left to ask. */
        record Finished() implements Step {}
    }

    private final PeerId self;
    private final AddressFilter addressFilter;
    private final int maxPeers;
    private final PeerLookup lookup;
    private final Map<PeerId, List<Multiaddr>> addresses = new LinkedHashMap<>();
    private final long deadline;
    private long wakeAt = -1;

    /**
     * A lookup of {@code target} by {@code self}, seeded with the {@code k} closest peers of {@code table}, on
     * {@code disjointPaths} paths (one: a {@link ClosestPeersQuery}), ending at {@code deadline} at the latest.
     */
    public LookupDriver(PeerId self, KadKey target, RoutingTable table, int k, int alpha, int disjointPaths,
            long requestTimeout, int maxPeers, AddressFilter addressFilter, long deadline) {
        this.self = self;
        this.addressFilter = addressFilter;
        this.maxPeers = maxPeers;
        this.deadline = deadline;
        List<RoutingTable.Entry> seeds = table.closest(target, k);
        List<PeerId> start = new ArrayList<>(seeds.size());
        for (RoutingTable.Entry e : seeds) {
            start.add(e.peer());
            addresses.put(e.peer(), e.addresses());
        }
        this.lookup = disjointPaths > 1
                ? new DisjointPeersQuery(target, start, k, alpha, disjointPaths, requestTimeout, maxPeers)
                : new ClosestPeersQuery(target, start, k, alpha, requestTimeout, maxPeers);
    }

    public PeerLookup lookup() {
        return lookup;
    }

    /** The addresses learnt for {@code peer}, or {@code otherwise}. */
    public List<Multiaddr> addressesOf(PeerId peer, List<Multiaddr> otherwise) {
        return addresses.getOrDefault(peer, otherwise);
    }

    /** What to do at {@code now}. */
    public Step step(long now) {
        if (now >= deadline) {
            lookup.finish();
            return new Step.Finished();
        }
        return switch (lookup.next(now)) {
            case ClosestPeersQuery.Action.Send s -> new Step.Send(s.peer(), addresses.getOrDefault(s.peer(), List.of()));
            case ClosestPeersQuery.Action.Wait w -> {
                long at = Math.min(w.until(), deadline);
                if (wakeAt < 0 || at < wakeAt) {
                    wakeAt = at;
                    yield new Step.WakeAt(at);
                }
                yield new Step.Idle();
            }
            case ClosestPeersQuery.Action.Finished f -> new Step.Finished();
        };
    }

    /** The wake-up asked for last has come. */
    public void wokeUp() {
        wakeAt = -1;
    }

    /**
     * {@code peer} answered with {@code closer} peers: their addresses are kept (filtered; this node is skipped)
     * and the lookup learns of them. Returns false, and does nothing, if the lookup was not waiting for the peer.
     */
    public boolean absorb(PeerId peer, List<PeerInfo> closer) {
        if (!lookup.isWaitingFor(peer)) {
            return false;
        }
        List<PeerId> learnt = new ArrayList<>(closer.size());
        for (PeerInfo p : closer) {
            if (p.peer().equals(self)) {
                continue;
            }
            List<Multiaddr> addrs = addressFilter.filter(p.addresses());
            if (!addrs.isEmpty() && addresses.size() < maxPeers) {
                addresses.merge(p.peer(), addrs, (old, add) -> old.isEmpty() ? add : old);
            }
            learnt.add(p.peer());
        }
        lookup.onSuccess(peer, learnt);
        return true;
    }

    /** A request to {@code peer} failed; returns whether the lookup was waiting for it. */
    public boolean onFailure(PeerId peer) {
        return lookup.onFailure(peer);
    }
}
