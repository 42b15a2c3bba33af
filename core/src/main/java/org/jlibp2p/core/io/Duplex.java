package org.jlibp2p.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An ordered, reliable, bidirectional byte stream: a TCP socket, the plaintext side of a secure channel, or one
 * end of an in-memory pipe. Reads and writes block; one thread may read while another writes.
 */
public interface Duplex extends Closeable {
    /** The bytes the remote side sends. Returns -1 once the remote closed its write side. */
    InputStream input();

    /** The bytes to send. Data may be buffered until {@link OutputStream#flush()}. */
    OutputStream output();

    /** Flushes and closes the write side only; the remote reads end-of-stream, and this side can still read. */
    void closeOutput() throws IOException;

    /**
     * The most bytes {@link #output()} sends as one unit on the wire (the plaintext of one Noise message), or 0 when
     * it has no such unit. A layer that frames its own data and flushes after each frame wastes nothing when its
     * frames fit in one unit.
     */
    default int outputUnit() {
        return 0;
    }

    /**
     * Whether {@link #output()} keeps what is written until {@link OutputStream#flush()} (or a full unit), so that a
     * frame header and its payload written separately, then flushed, leave together.
     */
    default boolean outputBuffered() {
        return false;
    }

    /** Whether {@link #input()} reads ahead into a buffer of its own, so that small reads cost no system call each. */
    default boolean inputBuffered() {
        return false;
    }

    /** Closes both directions and releases the underlying resource. Idempotent. */
    @Override
    void close() throws IOException;
}
