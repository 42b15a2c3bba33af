package org.jlibp2p.core.mux;

import java.io.IOException;

/**
 * The stream was reset, locally or by the remote, or its session ended; no more data flows on it in either
 * direction.
 */
public final class StreamResetException extends IOException {
    public StreamResetException(String message) {
        super(message);
    }

    /** A stream aborted because of {@code cause}, typically the {@link SessionClosedException} of its session. */
    public StreamResetException(String message, Throwable cause) {
        super(message, cause);
    }
}
