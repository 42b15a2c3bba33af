package org.jlibp2p.core.record;

import org.jlibp2p.core.FormatException;

/** Bytes that are not a well-formed signed envelope, or whose payload is not the record expected. */
public final class EnvelopeException extends FormatException {
    public EnvelopeException(String message) {
        super(message);
    }

    public EnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
