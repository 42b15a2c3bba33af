package org.jlibp2p.core.multiformats;

import org.jlibp2p.core.FormatException;

/** Malformed multihash bytes: bad varints, a length that does not match the input or the hash function, ... */
public final class MultihashException extends FormatException {
    public MultihashException(String message) {
        super(message);
    }

    public MultihashException(String message, Throwable cause) {
        super(message, cause);
    }
}
