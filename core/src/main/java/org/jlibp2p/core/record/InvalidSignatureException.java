package org.jlibp2p.core.record;

import org.jlibp2p.core.FormatException;

/** A well-formed signed envelope whose signature does not verify for the domain it is opened with. */
public final class InvalidSignatureException extends FormatException {
    public InvalidSignatureException(String message) {
        super(message);
    }
}
