package org.jlibp2p.core.security;

import java.util.Optional;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.peer.PeerId;

/** A connection after a secure-channel handshake: the bytes it carries are those of the authenticated remote peer. */
public interface SecureSession extends Duplex {
    /** This side's peer id. */
    PeerId localPeer();

    /** The peer id the remote proved during the handshake. */
    PeerId remotePeer();

    /** The remote's identity key. */
    PublicKey remotePublicKey();

    /**
     * The stream muxer agreed on inside the handshake (early muxer negotiation), where the channel supports it and
     * both sides offered one in common; when empty, the muxer is negotiated with multistream-select afterwards.
     */
    default Optional<String> negotiatedMuxer() {
        return Optional.empty();
    }
}
