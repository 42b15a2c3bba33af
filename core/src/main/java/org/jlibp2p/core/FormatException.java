package org.jlibp2p.core;

import java.io.IOException;

/**
 * Bytes or text that do not follow the format they claim: a malformed varint, multiaddr, key, frame, ...
 *
 * <p>Every parser in the stack throws a subclass naming the format, with a message saying what was wrong. It is an
 * {@link IOException} because most such input arrives from the network, where it costs the sender its stream or
 * connection.
 */
public class FormatException extends IOException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
