package org.jlibp2p.core.swarm;

import java.io.IOException;

/** No connection to the peer could be made; the message and suppressed exceptions say what each address did. */
public final class DialException extends IOException {
    public DialException(String message) {
        super(message);
    }

    public DialException(String message, Throwable cause) {
        super(message, cause);
    }
}
