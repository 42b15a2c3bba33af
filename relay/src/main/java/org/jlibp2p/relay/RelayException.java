package org.jlibp2p.relay;

import java.io.IOException;

/**
 * A relay refused a reservation or a circuit, or the peer behind it refused the circuit: {@link #status()} says
 * why, and the message names the status ({@code NO_RESERVATION}, {@code RESOURCE_LIMIT_EXCEEDED}, ...).
 */
public final class RelayException extends IOException {
    private final RelayStatus status;

    public RelayException(RelayStatus status, String message) {
        super(message + ": " + status);
        this.status = status;
    }

    public RelayStatus status() {
        return status;
    }
}
