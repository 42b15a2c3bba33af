package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/** What happens in a {@link Swarm}, delivered in order to every {@link Behaviour} and to subscribers. */
public sealed interface SwarmEvent {
    /** The swarm now listens on {@code address} (the real, bound address). */
    record ListenAddressAdded(Multiaddr address) implements SwarmEvent {}

    /** The swarm stopped listening on {@code address}. */
    record ListenAddressExpired(Multiaddr address) implements SwarmEvent {}

    /** A connection finished its upgrade and is ready for streams. */
    record ConnectionEstablished(Connection connection) implements SwarmEvent {}

    /** A connection closed; exactly one follows each {@link ConnectionEstablished}. */
    record ConnectionClosed(Connection connection, CloseCause cause) implements SwarmEvent {}

    /** A dial failed; the peer is absent when an address without {@code /p2p/} was dialled. */
    record DialFailed(Optional<PeerId> peer, DialException error) implements SwarmEvent {}

    /** An inbound connection failed before it was upgraded (handshake error, timeout, limit). */
    record IncomingConnectionFailed(Multiaddr remoteAddress, IOException error) implements SwarmEvent {}

    /** An inbound stream was negotiated and handed to its handler. */
    record InboundStream(Connection connection, String protocol) implements SwarmEvent {
        public PeerId peer() {
            return connection.remotePeer();
        }
    }

    /** The local listen addresses, external addresses or supported protocols changed (identify push listens). */
    record LocalInfoChanged() implements SwarmEvent {}

    /** A behaviour learnt an address others may reach this node at (identify: an observed address). Unconfirmed. */
    record ExternalAddressCandidate(Multiaddr address) implements SwarmEvent {}

    /** An external address was confirmed: the node now advertises it. */
    record ExternalAddressConfirmed(Multiaddr address) implements SwarmEvent {}

    /** An external address is no longer advertised. */
    record ExternalAddressExpired(Multiaddr address) implements SwarmEvent {}

    /** A behaviour's output, e.g. {@code case SwarmEvent.Emitted(IdentifyEvent.Received r) -> ...}. */
    record Emitted(BehaviourEvent event) implements SwarmEvent {}
}
