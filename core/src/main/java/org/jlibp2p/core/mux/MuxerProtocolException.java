package org.jlibp2p.core.mux;

import org.jlibp2p.core.FormatException;

/** The remote broke the multiplexer's protocol (bad version, unknown frame type, window overrun, ...). */
public final class MuxerProtocolException extends FormatException {
    public MuxerProtocolException(String message) {
        super(message);
    }

    /** A protocol violation found by a lower-level parser ({@code cause}: a malformed varint, a frame too large). */
    public MuxerProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
