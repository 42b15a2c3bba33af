package org.jlibp2p.security.tls;

import org.jlibp2p.core.security.HandshakeException;

/**
 * The TLS handshake itself failed: the bytes were not TLS 1.3, the remote sent an alert (it rejected this side's
 * certificate, offered no common version, cipher suite or application protocol) or closed the connection.
 */
public final class TlsHandshakeException extends HandshakeException {
    public TlsHandshakeException(String message) {
        super(message);
    }

    public TlsHandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
