package org.jlibp2p.kademlia.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jlibp2p.core.peer.PeerId;

/**
 * An iterative lookup of the peers closest to a key, as a state machine without I/O: the caller asks {@link #next}
 * what to do at a given time (send a request to a peer, wait, or stop), and reports each answer with
 * {@link #onSuccess} or {@link #onFailure}. At most {@code alpha} requests are in flight; a request that has not been
 * answered within the peer timeout stops counting against {@code alpha} (its answer is still taken if it comes). The
 * lookup ends when the {@code k} closest peers seen have all answered (none closer still pending), or when every
 * peer seen has been tried.
 *
 * <p>Each peer carries the number of hops it took to learn of it (the starting peers are hop 1): a measure of how far
 * the lookup had to go. Not thread-safe; times are nanoseconds of the node's clock.
 */
public final class ClosestPeersQuery implements PeerLookup {
    /** What the caller should do next. */
    public sealed interface Action {
        /** Send the lookup's request to {@code peer}. */
        record Send(PeerId peer) implements Action {}

        /** Wait for answers, or until the given time, when a request times out. */
        record Wait(long until) implements Action {}

        /** The lookup is over: {@link #closest()} has its result. */
        record Finished() implements Action {}
    }

    private enum State { NOT_CONTACTED, WAITING, UNRESPONSIVE, SUCCEEDED, FAILED }

    private static final class PeerState {
        final PeerId peer;
        final int hops;
        State state = State.NOT_CONTACTED;
        long sentAt;

        PeerState(PeerId peer, int hops) {
            this.peer = peer;
            this.hops = hops;
        }
    }

    private final KadKey target;
    private final int k;
    private final int alpha;
    private final long peerTimeout;
    private final int maxPeers;
    private final TreeMap<KadKey, PeerState> byDistance = new TreeMap<>();
    private final Map<PeerId, PeerState> byPeer = new HashMap<>();
    private boolean finished;
    private int requests;
    private int successes;
    private int failures;

    /**
     * @param peerTimeout nanoseconds after which an unanswered request stops holding a slot
     * @param maxPeers bound on the peers the lookup tracks (the farthest untried ones are dropped beyond it)
     */
    public ClosestPeersQuery(KadKey target, List<PeerId> start, int k, int alpha, long peerTimeout, int maxPeers) {
        if (k < 1 || alpha < 1 || peerTimeout <= 0 || maxPeers < k) {
            throw new IllegalArgumentException("k, alpha, timeout must be positive and maxPeers at least k");
        }
        this.target = target;
        this.k = k;
        this.alpha = alpha;
        this.peerTimeout = peerTimeout;
        this.maxPeers = maxPeers;
        for (PeerId p : start) {
            offer(p, 1);
        }
    }

    public KadKey target() {
        return target;
    }

    private void offer(PeerId peer, int hops) {
        if (byPeer.containsKey(peer)) {
            return;
        }
        KadKey distance = KadKey.of(peer).distance(target);
        if (byDistance.size() >= maxPeers) {
            // Full: drop the farthest peer not yet contacted if the newcomer is closer, else ignore the newcomer.
            Map.Entry<KadKey, PeerState> farthest = null;
            for (Map.Entry<KadKey, PeerState> e : byDistance.descendingMap().entrySet()) {
                if (e.getValue().state == State.NOT_CONTACTED) {
                    farthest = e;
                    break;
                }
            }
            if (farthest == null || farthest.getKey().compareTo(distance) <= 0) {
                return;
            }
            byDistance.remove(farthest.getKey());
            byPeer.remove(farthest.getValue().peer);
        }
        PeerState s = new PeerState(peer, hops);
        byDistance.put(distance, s);
        byPeer.put(peer, s);
    }

    /** What to do at {@code now}. Each {@link Action.Send} marks its peer as asked. */
    @Override
    public Action next(long now) {
        if (finished) {
            return new Action.Finished();
        }
        int inFlight = 0;
        int succeededInOrder = 0;
        long earliestTimeout = Long.MAX_VALUE;
        boolean capacityLeft = true;
        boolean settled = true;
        for (PeerState s : byDistance.values()) {
            switch (s.state) {
                case WAITING -> {
                    if (now - s.sentAt >= peerTimeout) {
                        s.state = State.UNRESPONSIVE;
                    } else {
                        inFlight++;
                        earliestTimeout = Math.min(earliestTimeout, s.sentAt + peerTimeout);
                        // A closer peer has yet to answer: the peers behind it cannot settle the lookup.
                        settled = false;
                    }
                }
                case SUCCEEDED -> {
                    succeededInOrder++;
                    if (settled && succeededInOrder >= k) {
                        finished = true;
                        return new Action.Finished();
                    }
                }
                case NOT_CONTACTED -> {
                    if (inFlight < alpha) {
                        s.state = State.WAITING;
                        s.sentAt = now;
                        requests++;
                        return new Action.Send(s.peer);
                    }
                    capacityLeft = false;
                }
                case UNRESPONSIVE, FAILED -> { }
            }
            if (!capacityLeft) {
                break;
            }
        }
        if (inFlight > 0 || !capacityLeft) {
            return new Action.Wait(earliestTimeout);
        }
        // Nothing in flight, nothing left to ask: every peer seen has been tried.
        finished = true;
        return new Action.Finished();
    }

    /**
     * {@code peer} answered with {@code closer} peers (its own id among them is ignored). Returns false if the
     * answer was not expected (the peer was not asked, or the lookup is over).
     */
    @Override
    public boolean onSuccess(PeerId peer, List<PeerId> closer) {
        PeerState s = byPeer.get(peer);
        if (finished || s == null || (s.state != State.WAITING && s.state != State.UNRESPONSIVE)) {
            return false;
        }
        s.state = State.SUCCEEDED;
        successes++;
        for (PeerId p : closer) {
            if (!p.equals(peer)) {
                offer(p, s.hops + 1);
            }
        }
        return true;
    }

    /** A request to {@code peer} failed (dial, stream, timeout, bad answer). */
    @Override
    public boolean onFailure(PeerId peer) {
        PeerState s = byPeer.get(peer);
        if (finished || s == null || (s.state != State.WAITING && s.state != State.UNRESPONSIVE)) {
            return false;
        }
        s.state = State.FAILED;
        failures++;
        return true;
    }

    /** Ends the lookup now (a deadline, or the caller found what it wanted). */
    @Override
    public void finish() {
        finished = true;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    /** Whether {@code peer} was asked and has not answered yet. */
    @Override
    public boolean isWaitingFor(PeerId peer) {
        PeerState s = byPeer.get(peer);
        return s != null && (s.state == State.WAITING || s.state == State.UNRESPONSIVE);
    }

    /** The up to {@code k} closest peers that answered, closest first. */
    @Override
    public List<PeerId> closest() {
        List<PeerId> out = new ArrayList<>(k);
        for (PeerState s : byDistance.values()) {
            if (s.state == State.SUCCEEDED) {
                out.add(s.peer);
                if (out.size() == k) {
                    break;
                }
            }
        }
        return out;
    }

    /** The hop at which {@code peer} was learnt, if the lookup saw it. */
    @Override
    public Optional<Integer> hopsTo(PeerId peer) {
        PeerState s = byPeer.get(peer);
        return s == null ? Optional.empty() : Optional.of(s.hops);
    }

    /** Requests sent so far. */
    @Override
    public int requests() {
        return requests;
    }

    @Override
    public int successes() {
        return successes;
    }

    @Override
    public int failures() {
        return failures;
    }
}
