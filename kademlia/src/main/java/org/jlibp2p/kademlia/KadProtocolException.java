package org.jlibp2p.kademlia;

import org.jlibp2p.core.FormatException;

/** A Kademlia message that breaks the protocol: malformed, oversized, of the wrong type, or an unexpected answer. */
public final class KadProtocolException extends FormatException {
    public KadProtocolException(String message) {
        super(message);
    }

    public KadProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
