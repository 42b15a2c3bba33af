package org.jlibp2p.core.multiaddr;

import org.jlibp2p.core.FormatException;

/** A malformed multiaddr string or multiaddr bytes; the message names the component and what was wrong with it. */
public final class MultiaddrException extends FormatException {
    public MultiaddrException(String message) {
        super(message);
    }

    public MultiaddrException(String message, Throwable cause) {
        super(message, cause);
    }
}
