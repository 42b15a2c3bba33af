package org.jlibp2p.core.security;

import java.io.IOException;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.peer.PeerId;

/**
 * A secure-channel protocol (Noise, plaintext, ...): turns a raw connection, after multistream-select agreed on
 * {@link #protocolId()}, into a {@link SecureSession} with an authenticated remote peer.
 *
 * <p>The handshake blocks; bounding its duration (a socket timeout, closing the connection) is the caller's concern.
 * On failure the caller closes the connection.
 */
public interface SecureChannel {
    /** The multistream-select protocol id, e.g. {@code /noise}. */
    String protocolId();

    /**
     * Secures a connection this side dialled, to a peer expected to prove {@code expectedRemote}.
     *
     * @throws PeerIdMismatchException if the remote proves another identity
     */
    SecureSession secureOutbound(Duplex connection, PeerId expectedRemote) throws IOException;

    /** Secures a connection this side dialled, accepting whatever identity the remote proves. */
    SecureSession secureOutbound(Duplex connection) throws IOException;

    /** Secures a connection this side accepted. */
    SecureSession secureInbound(Duplex connection) throws IOException;

    /**
     * Whether the remote must prove it holds the key of the peer id it claims (and the channel encrypts). False only
     * for {@code /plaintext/2.0.0}, where any peer can claim any peer id: a node with such a channel warns at start.
     */
    default boolean authenticates() {
        return true;
    }
}
