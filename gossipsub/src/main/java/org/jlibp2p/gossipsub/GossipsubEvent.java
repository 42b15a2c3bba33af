package org.jlibp2p.gossipsub;

import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What the pubsub router reports: messages delivered, mesh changes, peers' subscriptions. */
public sealed interface GossipsubEvent extends BehaviourEvent {
    /** A message of a topic this node is subscribed to passed validation ({@code source} forwarded it). */
    record Received(MessageId id, Message message, PeerId source) implements GossipsubEvent {}

    /** A message failed validation ({@code result} is REJECT or IGNORE) and was dropped. */
    record Dropped(MessageId id, String topic, PeerId source, ValidationResult result, String reason)
            implements GossipsubEvent {}

    /** {@code peer} joined this node's mesh of {@code topic}. */
    record Grafted(PeerId peer, String topic) implements GossipsubEvent {}

    /** {@code peer} left this node's mesh of {@code topic}. */
    record Pruned(PeerId peer, String topic) implements GossipsubEvent {}

    /** {@code peer} subscribed to {@code topic}. */
    record PeerSubscribed(PeerId peer, String topic) implements GossipsubEvent {}

    /** {@code peer} unsubscribed from {@code topic} (or left). */
    record PeerUnsubscribed(PeerId peer, String topic) implements GossipsubEvent {}

    /** {@code peer} speaks pubsub with this node over {@code protocol}. */
    record PeerAdded(PeerId peer, String protocol) implements GossipsubEvent {}

    /** {@code peer} no longer speaks pubsub with this node (its last connection closed, or its stream failed). */
    record PeerRemoved(PeerId peer) implements GossipsubEvent {}
}
