package org.jlibp2p.core.swarm;

import java.io.IOException;

/**
 * A resource limit refused a connection or stream; the message names the limit, {@link #reason()} its kind (e.g.
 * {@code "peer inbound streams"}, {@code "ip /32 connections"}), the key under which refusals are counted.
 */
public final class LimitExceededException extends IOException {
    private final String reason;

    public LimitExceededException(String message) {
        this("limit", message);
    }

    public LimitExceededException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
