package org.jlibp2p.core.multiformats;

import org.jlibp2p.core.FormatException;

/** A malformed multibase (or bare base58btc) string: empty, unknown prefix, bad character, or bad trailing bits. */
public final class MultibaseException extends FormatException {
    public MultibaseException(String message) {
        super(message);
    }
}
