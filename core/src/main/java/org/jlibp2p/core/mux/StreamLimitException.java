package org.jlibp2p.core.mux;

import java.io.IOException;

/** Opening a stream would exceed a limit of the session (the number of open outbound streams, ...). */
public final class StreamLimitException extends IOException {
    public StreamLimitException(String message) {
        super(message);
    }
}
