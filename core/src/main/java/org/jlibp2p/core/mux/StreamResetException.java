package org.jlibp2p.core.mux;

import java.io.IOException;

/** The stream was reset, locally or by the remote; no more data flows on it in either direction. */
public final class StreamResetException extends IOException {
    public StreamResetException(String message) {
        super(message);
    }
}
