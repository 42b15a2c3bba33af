package org.jlibp2p.security;

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
}
