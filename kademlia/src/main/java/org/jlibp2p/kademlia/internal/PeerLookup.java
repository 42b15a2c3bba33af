package org.jlibp2p.kademlia.internal;

import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.peer.PeerId;

/**
 * An iterative lookup of the peers closest to a key, without I/O: {@link ClosestPeersQuery} on one path, or
 * {@link DisjointPeersQuery} on several disjoint ones. Not thread-safe; times are nanoseconds of the node's clock.
 */
public interface PeerLookup {
    /** What to do at {@code now}; each {@link ClosestPeersQuery.Action.Send} marks its peer as asked. */
    ClosestPeersQuery.Action next(long now);

    /** {@code peer} answered with {@code closer} peers; false if the answer was not expected. */
    boolean onSuccess(PeerId peer, List<PeerId> closer);

    /** A request to {@code peer} failed; false if it was not expected. */
    boolean onFailure(PeerId peer);

    /** Ends the lookup now. */
    void finish();

    boolean isFinished();

    /** Whether {@code peer} was asked and has not answered yet. */
    boolean isWaitingFor(PeerId peer);

    /** The up to {@code k} closest peers that answered, closest first. */
    List<PeerId> closest();

    /** The hop at which {@code peer} was learnt, if the lookup saw it. */
    Optional<Integer> hopsTo(PeerId peer);

    int requests();

    int successes();

    int failures();
}
