package org.jlibp2p.autonat;

import org.jlibp2p.core.FormatException;

/** An AutoNAT message that breaks the protocol: malformed, oversized, of the wrong type, or an unexpected answer. */
public final class AutonatException extends FormatException {
    public AutonatException(String message) {
        super(message);
    }

    public AutonatException(String message, Throwable cause) {
        super(message, cause);
    }
}
