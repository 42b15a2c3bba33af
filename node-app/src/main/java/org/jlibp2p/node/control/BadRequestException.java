package org.jlibp2p.node.control;

import java.io.IOException;

/**
 * Bytes on the control socket that are not a request the daemon can read: a broken length prefix, a message that
 * is not a {@code Request}, an unknown type, a request without its parameters. The daemon answers with an ERROR
 * response carrying the message, then closes the connection.
 */
public final class BadRequestException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }
}
