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

    /** Closes both directions and releases the underlying resource. Idempotent. */
    @Override
    void close() throws IOException;
}
