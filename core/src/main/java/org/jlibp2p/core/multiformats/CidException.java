package org.jlibp2p.core.multiformats;

import org.jlibp2p.core.FormatException;

/** A malformed CID string or CID bytes: bad multibase, unknown version, bad codec varint, bad multihash, ... */
public final class CidException extends FormatException {
    public CidException(String message) {
        super(message);
    }

    public CidException(String message, Throwable cause) {
        super(message, cause);
    }
}
