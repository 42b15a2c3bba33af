package org.jlibp2p.security.tls;

/** The remote's certificate is not valid now: it has expired, or is not valid yet. */
public final class CertificateValidityException extends InvalidCertificateException {
    public CertificateValidityException(String message) {
        super(message);
    }

    public CertificateValidityException(String message, Throwable cause) {
        super(message, cause);
    }
}
