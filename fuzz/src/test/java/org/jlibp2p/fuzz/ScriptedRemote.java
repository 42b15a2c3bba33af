package org.jlibp2p.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.io.Duplex;

/**
 * A connection whose remote sends a fixed array of bytes and then closes its side; what the local side writes is
 * counted and dropped. Reads never block, so a parser fed through it ends when the bytes do.
 */
public final class ScriptedRemote implements Duplex {
    private final InputStream input;
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final OutputStream output = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed.get()) {
                throw new IOException("connection closed");
            }
            written.addAndGet(len);
        }
    };

    public ScriptedRemote(byte[] remoteSends) {
        this.input = new ByteArrayInputStream(remoteSends);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void closeOutput() {}

    @Override
    public void close() {
        closed.set(true);
    }

    /** Bytes the local side wrote so far. */
    public long written() {
        return written.get();
    }

    /** Whether the local side closed the connection. */
    public boolean isClosed() {
        return closed.get();
    }
}
