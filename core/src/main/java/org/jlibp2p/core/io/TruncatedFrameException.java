package org.jlibp2p.core.io;

import org.jlibp2p.core.FormatException;

/** The stream ended before the bytes a length prefix announced had arrived. */
public final class TruncatedFrameException extends FormatException {
    public TruncatedFrameException(long expected, int got) {
        super("stream ended after " + got + " of " + expected + " announced bytes");
    }
}
