package org.jlibp2p.core.swarm;

import java.io.IOException;

/**
 * A stream was asked for on a limited connection (one through a circuit relay) for protocols none of which is
 * allowed there; see {@link Swarm#allowOnLimitedConnections}.
 */
public final class LimitedConnectionException extends IOException {
    public LimitedConnectionException(String message) {
        super(message);
    }
}
