package org.jlibp2p.core.security;

import java.io.IOException;

/** A secure-channel handshake failed: the remote closed the connection, or could not prove what it had to. */
public class HandshakeException extends IOException {
    public HandshakeException(String message) {
        super(message);
    }

    public HandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
