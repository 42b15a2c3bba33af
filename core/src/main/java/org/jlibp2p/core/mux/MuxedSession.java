package org.jlibp2p.core.mux;

import java.io.Closeable;
import java.io.IOException;

/** One multiplexed connection: opens outbound streams and hands out inbound ones. */
public interface MuxedSession extends Closeable {
    /**
     * Opens a new outbound stream. Blocks only while the session's limits make it wait (Yamux: while too many of
     * this side's streams await the remote's acknowledgement).
     *
     * @throws StreamLimitException if the session already has as many outbound streams open as it allows
     * @throws SessionClosedException once the session is closed or the remote said it accepts no new streams
     */
    MuxedStream openStream() throws IOException;

    /**
     * Waits for the next stream the remote opens.
     *
     * @throws SessionClosedException once the session is closed (locally, by the remote, or for a protocol error)
     */
    MuxedStream acceptStream() throws IOException;

    /** Whether the session still carries streams. */
    boolean isOpen();

    /** Number of streams currently open in either direction. */
    int streamCount();

    /** Closes the session (go-away where the protocol has it) and resets every stream still open. Idempotent. */
    @Override
    void close() throws IOException;
}
