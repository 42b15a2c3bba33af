package org.jlibp2p.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.io.Duplex;

/** Wraps a duplex, counts the writes reaching it and their bytes, and flips the last byte of the next write when asked to. */
public final class RecordingDuplex implements Duplex {
    private final Duplex inner;
    private final AtomicInteger writes = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean corruptNextWrite;
    private volatile int largestWrite;

    private final OutputStream output = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes.incrementAndGet();
            bytes.addAndGet(len);
            largestWrite = Math.max(largestWrite, len);
            if (corruptNextWrite && len > 0) {
                corruptNextWrite = false;
                byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
                copy[len - 1] ^= 0x01;
                inner.output().write(copy);
                return;
            }
            inner.output().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            inner.output().flush();
        }
    };

    public RecordingDuplex(Duplex inner) {
        this.inner = inner;
    }

    public int writes() {
        return writes.get();
    }

    public long bytesWritten() {
        return bytes.get();
    }

    public int largestWrite() {
        return largestWrite;
    }

    public void corruptNextWrite() {
        corruptNextWrite = true;
    }

    @Override
    public InputStream input() {
        return inner.input();
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void closeOutput() throws IOException {
        inner.closeOutput();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
