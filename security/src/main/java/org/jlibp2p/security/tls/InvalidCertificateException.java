package org.jlibp2p.security.tls;

import org.jlibp2p.core.security.HandshakeException;

/**
 * The remote's certificate breaks the libp2p TLS rules: not exactly one certificate, a self-signature that does not
 * verify, no libp2p public key extension or a malformed one, a critical extension not understood, unique ids.
 */
public class InvalidCertificateException extends HandshakeException {
    public InvalidCertificateException(String message) {
        super(message);
    }

    public InvalidCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
