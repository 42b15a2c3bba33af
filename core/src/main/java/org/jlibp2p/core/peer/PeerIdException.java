package org.jlibp2p.core.peer;

import org.jlibp2p.core.FormatException;

/** Bytes or text that are not a valid peer id. */
public final class PeerIdException extends FormatException {
    public PeerIdException(String message) {
        super(message);
    }

    public PeerIdException(String message, Throwable cause) {
        super(message, cause);
    }
}
