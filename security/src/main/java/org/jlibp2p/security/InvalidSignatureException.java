package org.jlibp2p.security;

import org.jlibp2p.core.security.HandshakeException;

/** The remote's identity signature over its handshake key does not verify: it does not own the identity it claims. */
public final class InvalidSignatureException extends HandshakeException {
    public InvalidSignatureException(String message) {
        super(message);
    }
}
