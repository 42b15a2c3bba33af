package org.jlibp2p.kademlia;

import java.time.Duration;
import java.util.Optional;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What the DHT reports to the application. */
public sealed interface KademliaEvent extends BehaviourEvent {
    /** A peer entered ({@code added}) or left the routing table. */
    record RoutingUpdated(PeerId peer, boolean added, int tableSize) implements KademliaEvent {}

    /**
     * Every peer of a saved routing table handed to {@link KademliaBehaviour#seed} was checked: {@code answered} of
     * the {@code checked} answered and entered the table (those that did not were dropped).
     */
    record SavedPeersChecked(int checked, int answered, int tableSize) implements KademliaEvent {}

    /** A lookup in the network ended. */
    record QueryFinished(QueryStats stats) implements KademliaEvent {}

    /** What kind of lookup a {@link QueryStats} describes. */
    enum QueryKind { FIND_PEER, CLOSEST_PEERS, GET_VALUE, GET_PROVIDERS, BOOTSTRAP }

    /**
     * The figures of one lookup.
     *
     * @param requests requests sent
     * @param successes answers received
     * @param failures requests that failed or timed out
     * @param hops for a peer or value found, the hop of the answer that gave it (the first peers asked are hop 1);
     *     otherwise the deepest hop among the closest peers that answered
     * @param found whether what was looked for was found (always true for closest-peers lookups that got answers)
     * @param elapsed time on the node's clock
     */
    record QueryStats(QueryKind kind, Optional<PeerId> target, int requests, int successes, int failures, int hops,
            boolean found, Duration elapsed) {}
}
