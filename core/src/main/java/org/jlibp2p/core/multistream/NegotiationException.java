package org.jlibp2p.core.multistream;

import java.io.IOException;

/**
 * multistream-select did not agree on a protocol: the remote speaks another version of multistream, refused every
 * proposal, or closed the stream before the negotiation finished.
 */
public class NegotiationException extends IOException {
    public NegotiationException(String message) {
        super(message);
    }

    public NegotiationException(String message, Throwable cause) {
        super(message, cause);
    }
}
