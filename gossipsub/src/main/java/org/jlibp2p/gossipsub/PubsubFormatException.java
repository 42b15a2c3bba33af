package org.jlibp2p.gossipsub;

import org.jlibp2p.core.FormatException;

/** A pubsub RPC that does not parse or is not well formed (a bad peer id, a message id that is empty, ...). */
public class PubsubFormatException extends FormatException {
    public PubsubFormatException(String message) {
        super(message);
    }

    public PubsubFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
