package org.jlibp2p.core.multiformats;

import org.jlibp2p.core.FormatException;

/** A malformed unsigned varint: truncated, longer than 9 bytes, not minimally encoded, or out of range. */
public final class VarintException extends FormatException {
    public VarintException(String message) {
        super(message);
    }
}
