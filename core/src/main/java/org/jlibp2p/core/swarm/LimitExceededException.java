package org.jlibp2p.core.swarm;

import java.io.IOException;

/** A resource limit of the swarm refused a connection or stream; the message names the limit. */
public final class LimitExceededException extends IOException {
    public LimitExceededException(String message) {
        super(message);
    }
}
