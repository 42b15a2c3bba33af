package org.jlibp2p.core.multistream;

import org.jlibp2p.core.FormatException;

/**
 * A multistream-select message that breaks the format: empty, without its trailing newline, not UTF-8, or an
 * unexpected answer. (An oversized length prefix is a {@link org.jlibp2p.core.io.FrameTooLargeException}, a message
 * cut short by the end of the stream a {@link org.jlibp2p.core.io.TruncatedFrameException}.)
 */
public final class MalformedMessageException extends FormatException {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
