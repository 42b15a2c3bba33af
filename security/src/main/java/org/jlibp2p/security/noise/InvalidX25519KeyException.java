package org.jlibp2p.security.noise;

import org.jlibp2p.core.FormatException;

/** The remote sent an X25519 public key that yields no usable shared secret (a low-order point). */
public final class InvalidX25519KeyException extends FormatException {
    public InvalidX25519KeyException(String message) {
        super(message);
    }
}
