package org.jlibp2p.core.multistream;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.io.Duplex;

/** One end of an in-memory, bounded, bidirectional pipe. */
final class MemoryDuplex implements Duplex {
    private final Pipe in;
    private final Pipe out;

    private MemoryDuplex(Pipe in, Pipe out) {
        this.in = in;
        this.out = out;
    }

    /** Two connected ends. */
    static MemoryDuplex[] pair() {
        Pipe ab = new Pipe(64 * 1024);
        Pipe ba = new Pipe(64 * 1024);
        return new MemoryDuplex[] {new MemoryDuplex(ba, ab), new MemoryDuplex(ab, ba)};
    }

    @Override
    public InputStream input() {
        return in.input;
    }

    @Override
    public OutputStream output() {
        return out.output;
    }

    @Override
    public void closeOutput() {
        out.closeWrite();
    }

    @Override
    public void close() {
        out.closeWrite();
        in.closeRead();
    }

    /** A bounded ring buffer with one reading and one writing side. */
    static final class Pipe {
        private final byte[] buf;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private int head;
        private int size;
        private boolean writeClosed;
        private boolean readClosed;

        final InputStream input = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return Pipe.this.read(b, off, len);
            }

            @Override
            public void close() {
                closeRead();
            }
        };

        final OutputStream output = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Pipe.this.write(b, off, len);
            }

            @Override
            public void close() {
                closeWrite();
            }
        };

        Pipe(int capacity) {
            buf = new byte[capacity];
        }

        int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (size == 0) {
                    if (readClosed) {
                        throw new IOException("pipe closed");
                    }
                    if (writeClosed) {
                        return -1;
                    }
                    await();
                }
                int n = Math.min(len, size);
                int first = Math.min(n, buf.length - head);
                System.arraycopy(buf, head, b, off, first);
                System.arraycopy(buf, 0, b, off + first, n - first);
                head = (head + n) % buf.length;
                size -= n;
                changed.signalAll();
                return n;
            } finally {
                lock.unlock();
            }
        }

        void write(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                while (len > 0) {
                    if (writeClosed || readClosed) {
                        throw new IOException("pipe closed");
                    }
                    if (size == buf.length) {
                        await();
                        continue;
                    }
                    int tail = (head + size) % buf.length;
                    int n = Math.min(len, Math.min(buf.length - size, buf.length - tail));
                    System.arraycopy(b, off, buf, tail, n);
                    size += n;
                    off += n;
                    len -= n;
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        void closeWrite() {
            lock.lock();
            try {
                writeClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void closeRead() {
            lock.lock();
            try {
                readClosed = true;
                size = 0;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void await() throws InterruptedIOException {
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }
    }
}
