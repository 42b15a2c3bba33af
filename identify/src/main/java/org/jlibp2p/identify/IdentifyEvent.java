package org.jlibp2p.identify;

import java.io.IOException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What identify learns or fails at, delivered as {@link org.jlibp2p.core.swarm.SwarmEvent.Emitted}. */
public sealed interface IdentifyEvent extends BehaviourEvent {
    PeerId peer();

    /** A peer answered an identify request ({@code pushed} false), or pushed an update. */
    record Received(PeerId peer, IdentifyInfo info, boolean pushed) implements IdentifyEvent {}

    /** Identifying a peer failed: it does not speak identify, answered garbage, too much, too late, or lied. */
    record Failed(PeerId peer, IOException error) implements IdentifyEvent {}
}
