package org.jlibp2p.core.mux;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.jlibp2p.core.io.Duplex;

/**
 * One stream of a {@link MuxedSession}. {@link #closeOutput()} half-closes (the remote reads end-of-stream),
 * {@link #reset()} aborts both directions: pending and later reads and writes on either side then fail with
 * {@link StreamResetException}.
 */
public interface MuxedStream extends Duplex {
    /** The stream id on the wire. */
    long id();

    /** Aborts the stream in both directions and tells the remote. Idempotent. */
    void reset();

    /**
     * Bounds how long a read waits for data; a read that times out throws {@link java.net.SocketTimeoutException}
     * and leaves the stream usable. {@link Duration#ZERO} waits forever (the default).
     */
    void setReadTimeout(Duration timeout);

    @Override
    InputStream input();

    @Override
    OutputStream output();
}
