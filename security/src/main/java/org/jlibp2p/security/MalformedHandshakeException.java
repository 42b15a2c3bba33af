package org.jlibp2p.security;

import org.jlibp2p.core.FormatException;

/**
 * A secure-channel handshake message that breaks its format: too short, an undecodable payload, a missing or
 * unparsable identity key, a payload that does not belong in that message, ...
 */
public final class MalformedHandshakeException extends FormatException {
    public MalformedHandshakeException(String message) {
        super(message);
    }

    public MalformedHandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
