package org.jlibp2p.core.swarm;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * A secured, multiplexed connection to one peer, owned by the {@link Swarm}. An interface so that a behaviour's
 * unit test can hand its handler a connection without a network.
 */
public interface Connection extends Closeable {
    /** Unique among the connections of one swarm. */
    long id();

    Direction direction();

    PeerId localPeer();

    PeerId remotePeer();

    PublicKey remotePublicKey();

    Multiaddr localAddress();

    /** The address this connection runs to (without {@code /p2p/}). */
    Multiaddr remoteAddress();

    /**
     * Whether this connection is limited in time or bytes by a third party (a connection through a circuit relay).
     * Only protocols allowed on limited connections ({@link Swarm#allowOnLimitedConnections}) get streams on it.
     */
    default boolean limited() {
        return false;
    }

    /** The negotiated security protocol id. */
    String security();

    /** The negotiated stream muxer protocol id. */
    String muxer();

    /** When the connection was established, on the swarm's clock. */
    Instant opened();

    boolean isOpen();

    /** Streams open on this connection, in both directions. */
    int streamCount();

    /**
     * Opens a stream and negotiates the first of {@code protocols} the remote supports, within the swarm's
     * negotiation timeout.
     *
     * @throws org.jlibp2p.core.multistream.NoCommonProtocolException if the remote supports none of them
     * @throws java.net.SocketTimeoutException if the negotiation outlasts {@link Limits#negotiationTimeout()}
     */
    Stream newStream(List<String> protocols) throws IOException;

    default Stream newStream(String... protocols) throws IOException {
        return newStream(List.of(protocols));
    }

    /** Closes the connection and every stream on it. Idempotent; never blocks a behaviour's thread. */
    @Override
    void close();

    /**
     * Closes the connection as {@link #close()} does, reporting {@code cause} in
     * {@link SwarmEvent.ConnectionClosed} unless the connection was closing already (the first cause is the one
     * reported).
     *
     * @throws IllegalArgumentException unless {@code cause} is one this node gives for its own closes:
     *     {@link CloseCause.Local} or {@link CloseCause.Trimmed}
     */
    void close(CloseCause cause);

    /** Refuses the causes only the swarm reports (the remote, idleness, shutdown, failure). */
    static CloseCause requireLocalCause(CloseCause cause) {
        return switch (cause) {
            case CloseCause.Local l -> l;
            case CloseCause.Trimmed t -> t;
            case null -> throw new NullPointerException("cause");
            default -> throw new IllegalArgumentException("a connection is not closed for " + cause.describe()
                    + " on request; only Local and Trimmed are causes a caller gives");
        };
    }
}
