package org.jlibp2p.core.io;

import org.jlibp2p.core.FormatException;

/** A length prefix read from the wire claims more bytes than the protocol allows; nothing was allocated for it. */
public final class FrameTooLargeException extends FormatException {
    private final long claimed;
    private final int limit;

    public FrameTooLargeException(long claimed, int limit) {
        super("length prefix of " + claimed + " bytes exceeds the limit of " + limit);
        this.claimed = claimed;
        this.limit = limit;
    }

    public long claimed() {
        return claimed;
    }

    public int limit() {
        return limit;
    }
}
