package org.jlibp2p.core.crypto;

import org.jlibp2p.core.FormatException;

/** Bytes that are not a valid libp2p key (or key file): unknown type, wrong length, bad DER, point off the curve, ... */
public final class KeyFormatException extends FormatException {
    public KeyFormatException(String message) {
        super(message);
    }

    public KeyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
