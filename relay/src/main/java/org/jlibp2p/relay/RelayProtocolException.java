package org.jlibp2p.relay;

import java.io.IOException;

/** A relay or DCUtR message broke the protocol: too long, not decodable, or not what the exchange expects. */
public final class RelayProtocolException extends IOException {
    public RelayProtocolException(String message) {
        super(message);
    }

    public RelayProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
