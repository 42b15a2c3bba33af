package org.jlibp2p.identify;

import org.jlibp2p.core.FormatException;

/** A malformed or inconsistent identify message (e.g. a public key that is not the peer's). */
public final class IdentifyException extends FormatException {
    public IdentifyException(String message) {
        super(message);
    }
}
