package org.jlibp2p.kademlia.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.peer.PeerId;

/**
 * A lookup on {@code d} disjoint paths (S/Kademlia): the starting peers are dealt out among the paths, each path
 * follows only the answers of its own peers, and no peer is asked by two paths. A path that runs into peers an
 * adversary controls cannot steer the others, so the lookup succeeds if any path stays honest. The result is the
 * {@code k} closest peers that answered on any path. Each path has its own share of {@code alpha} (at least one).
 */
public final class DisjointPeersQuery implements PeerLookup {
    private final KadKey target;
    private final int k;
    private final List<ClosestPeersQuery> paths = new ArrayList<>();
    /** Which path asked each peer. */
    private final Map<PeerId, Integer> owner = new HashMap<>();
    private int nextPath;
    private boolean finished;

    public DisjointPeersQuery(KadKey target, List<PeerId> start, int k, int alpha, int d, long peerTimeout,
            int maxPeers) {
        if (d < 2) {
            throw new IllegalArgumentException("disjoint paths need at least 2 paths, not " + d);
        }
        this.target = target;
        this.k = k;
        List<List<PeerId>> shares = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < start.size(); i++) {
            shares.get(i % d).add(start.get(i));
        }
        int perPath = Math.max(1, alpha / d);
        for (int i = 0; i < d; i++) {
            paths.add(new ClosestPeersQuery(target, shares.get(i), k, perPath, peerTimeout, maxPeers));
        }
    }

    @Override
    public ClosestPeersQuery.Action next(long now) {
        if (finished) {
            return new ClosestPeersQuery.Action.Finished();
        }
        long wait = Long.MAX_VALUE;
        boolean waiting = false;
        for (int n = 0; n < paths.size(); n++) {
            int p = (nextPath + n) % paths.size();
            ClosestPeersQuery path = paths.get(p);
            // A path may offer a peer another path has asked already: it counts as failed on this one.
            for (int guard = 0; guard < 10_000; guard++) {
                ClosestPeersQuery.Action a = path.next(now);
                if (a instanceof ClosestPeersQuery.Action.Send s) {
                    Integer taken = owner.putIfAbsent(s.peer(), p);
                    if (taken != null && taken != p) {
                        path.onFailure(s.peer());
                        continue;
                    }
                    nextPath = (p + 1) % paths.size();
                    return a;
                }
                if (a instanceof ClosestPeersQuery.Action.Wait w) {
                    waiting = true;
                    wait = Math.min(wait, w.until());
                }
                break;
            }
        }
        if (waiting) {
            return new ClosestPeersQuery.Action.Wait(wait);
        }
        finished = true;
        return new ClosestPeersQuery.Action.Finished();
    }

    @Override
    public boolean onSuccess(PeerId peer, List<PeerId> closer) {
        Integer p = owner.get(peer);
        return !finished && p != null && paths.get(p).onSuccess(peer, closer);
    }

    @Override
    public boolean onFailure(PeerId peer) {
        Integer p = owner.get(peer);
        return !finished && p != null && paths.get(p).onFailure(peer);
    }

    @Override
    public void finish() {
        finished = true;
        paths.forEach(ClosestPeersQuery::finish);
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public boolean isWaitingFor(PeerId peer) {
        Integer p = owner.get(peer);
        return p != null && paths.get(p).isWaitingFor(peer);
    }

    @Override
    public List<PeerId> closest() {
        List<PeerId> all = new ArrayList<>();
        for (ClosestPeersQuery path : paths) {
            for (PeerId peer : path.closest()) {
                if (!all.contains(peer)) {
                    all.add(peer);
                }
            }
        }
        all.sort((a, b) -> target.compareDistance(KadKey.of(a), KadKey.of(b)));
        return all.size() > k ? new ArrayList<>(all.subList(0, k)) : all;
    }

    @Override
    public Optional<Integer> hopsTo(PeerId peer) {
        Integer p = owner.get(peer);
        if (p != null) {
            return paths.get(p).hopsTo(peer);
        }
        Optional<Integer> best = Optional.empty();
        for (ClosestPeersQuery path : paths) {
            Optional<Integer> h = path.hopsTo(peer);
            if (h.isPresent() && (best.isEmpty() || h.get() < best.get())) {
                best = h;
            }
        }
        return best;
    }

    @Override
    public int requests() {
        return paths.stream().mapToInt(ClosestPeersQuery::requests).sum() - conflicts();
    }

    /** Peers a path offered but another path had asked: counted by the path as a request and a failure. */
    private int conflicts() {
        int asked = 0;
        for (ClosestPeersQuery path : paths) {
            asked += path.requests();
        }
        return asked - owner.size();
    }

    @Override
    public int successes() {
        return paths.stream().mapToInt(ClosestPeersQuery::successes).sum();
    }

    @Override
    public int failures() {
        return paths.stream().mapToInt(ClosestPeersQuery::failures).sum() - conflicts();
    }
}
