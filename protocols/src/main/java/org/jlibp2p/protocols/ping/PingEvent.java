package org.jlibp2p.protocols.ping;

import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** The outcome of a periodic ping of one connection. */
public sealed interface PingEvent extends BehaviourEvent {
    PeerId peer();

    long connectionId();

    /** The peer answered; {@code rtt} is measured on the node's scheduler. */
    record Success(PeerId peer, long connectionId, Duration rtt) implements PingEvent {}

    /** The ping failed: timeout, a wrong answer, a stream error, or the peer does not speak ping. */
    record Failure(PeerId peer, long connectionId, IOException error) implements PingEvent {}
}
