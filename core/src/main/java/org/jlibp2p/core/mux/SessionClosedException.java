package org.jlibp2p.core.mux;

import java.io.IOException;

/** The multiplexed session is closed; it says why (local close, go-away, connection lost, protocol error). */
public final class SessionClosedException extends IOException {
    public SessionClosedException(String message) {
        super(message);
    }

    public SessionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
