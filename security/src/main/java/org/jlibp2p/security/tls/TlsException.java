package org.jlibp2p.security.tls;

import java.io.IOException;

/**
 * A TLS session failed after its handshake: a record that does not decrypt or parse, an alert from the remote (such
 * as its rejection of this side's certificate, which a client learns only after its handshake completed), or a
 * connection that ends inside a record. The connection is closed; every later read fails the same way.
 */
public final class TlsException extends IOException {
    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
