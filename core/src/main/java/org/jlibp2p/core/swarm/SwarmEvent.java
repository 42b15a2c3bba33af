package org.jlibp2p.core.swarm;

import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/** What happens in a {@link Swarm}, delivered in order to every {@link Behaviour}. */
public sealed interface SwarmEvent {
    /** The swarm now listens on {@code address} (the real, bound address). */
    record ListenAddressAdded(Multiaddr address) implements SwarmEvent {}

    /** The swarm stopped listening on {@code address}. */
    record ListenAddressExpired(Multiaddr address) implements SwarmEvent {}

    /** A connection finished its upgrade and is ready for streams. */
    record ConnectionEstablished(Connection connection) implements SwarmEvent {}

    /** A connection closed; {@code cause} says why (local close, remote close, error). */
    record ConnectionClosed(Connection connection, String cause) implements SwarmEvent {}

    /** A dial failed; the peer is absent when an address without {@code /p2p/} was dialled. */
    record DialFailed(Optional<PeerId> peer, String cause) implements SwarmEvent {}

    /** An inbound connection failed before it was upgraded (handshake error, timeout, limit). */
    record IncomingConnectionFailed(Multiaddr remoteAddress, String cause) implements SwarmEvent {}

    /** An inbound stream was negotiated and handed to its handler. */
    record InboundStream(PeerId peer, String protocol) implements SwarmEvent {}

    /** The local listen addresses or supported protocols changed (identify push listens for this). */
    record LocalInfoChanged() implements SwarmEvent {}
}
