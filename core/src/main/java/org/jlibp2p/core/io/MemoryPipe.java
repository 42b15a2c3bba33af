package org.jlibp2p.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two connected in-memory {@link Duplex} ends, for tests and in-memory transports. Each direction has a bounded ring
 * buffer: a writer blocks while it is full, a reader while it is empty. The semantics follow a TCP socket:
 *
 * <ul>
 *   <li>{@link Duplex#closeOutput()} on one end: the other end reads the remaining bytes, then -1.
 *   <li>{@link Duplex#close()} on one end: its own pending and later reads and writes fail with an
 *       {@link IOException}, and bytes it had not read are dropped; the other end reads -1 once it has drained what
 *       was sent to it, and its writes fail ("broken pipe") since nobody will read them.
 *   <li>An interrupted blocked read or write throws {@link InterruptedIOException} and keeps the interrupt flag set.
 * </ul>
 */
public final class MemoryPipe {
    /** The buffer a direction starts with; it grows to the capacity as data waits unread. */
    private static final int INITIAL_BUFFER = 1024;
    /** The default capacity of each direction. */
    public static final int DEFAULT_CAPACITY = 64 * 1024;

    /** The two ends of a pipe; what one writes, the other reads. */
    public record Pair(Duplex a, Duplex b) {
        public Pair {
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(b, "b");
        }
    }

    private MemoryPipe() {}

    /** A pipe holding up to {@link #DEFAULT_CAPACITY} unread bytes in each direction. */
    public static Pair create() {
        return create(DEFAULT_CAPACITY);
    }

    /** A pipe holding up to {@code capacity} unread bytes in each direction (the buffer grows to it as needed). */
    public static Pair create(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        Channel aToB = new Channel(capacity);
        Channel bToA = new Channel(capacity);
        return new Pair(new End(bToA, aToB, "a"), new End(aToB, bToA, "b"));
    }

    /** One direction: a ring buffer with a single logical reader and writer side. */
    private static final class Channel {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notEmpty = lock.newCondition();
        private final Condition notFull = lock.newCondition();
        /** The bound of the buffer, which starts small and grows to it as data waits unread. */
        private final int capacity;
        private byte[] buf;
        private int head;
        private int count;
        private boolean writerClosed;
        private boolean readerClosed;

        Channel(int capacity) {
            this.capacity = capacity;
            buf = new byte[Math.min(capacity, INITIAL_BUFFER)];
        }

        /** Grows the buffer (doubling, up to the capacity) so that {@code wanted} more bytes fit, if they may. */
        private void grow(int wanted) {
            if (buf.length == capacity || count + wanted <= buf.length) {
                return;
            }
            int size = buf.length;
            while (size < count + wanted && size < capacity) {
                size = Math.min(capacity, size * 2);
            }
            byte[] bigger = new byte[size];
            int first = Math.min(count, buf.length - head);
            System.arraycopy(buf, head, bigger, 0, first);
            System.arraycopy(buf, 0, bigger, first, count - first);
            buf = bigger;
            head = 0;
        }

        void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            lock.lock();
            try {
                while (len > 0) {
                    grow(len);
                    while (count == buf.length && !writerClosed && !readerClosed) {
                        await(notFull);
                    }
                    if (writerClosed) {
                        throw new IOException("pipe output is closed");
                    }
                    if (readerClosed) {
                        throw new IOException("broken pipe: the other end is closed");
                    }
                    int n = Math.min(len, buf.length - count);
                    int tail = (head + count) % buf.length;
                    int first = Math.min(n, buf.length - tail);
                    System.arraycopy(b, off, buf, tail, first);
                    System.arraycopy(b, off + first, buf, 0, n - first);
                    count += n;
                    off += n;
                    len -= n;
                    notEmpty.signal();
                }
            } finally {
                lock.unlock();
            }
        }

        int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            lock.lock();
            try {
                if (len == 0 && !readerClosed) {
                    return 0;
                }
                while (count == 0 && !writerClosed && !readerClosed) {
                    await(notEmpty);
                }
                if (readerClosed) {
                    throw new IOException("pipe is closed");
                }
                if (count == 0) {
                    return -1;
                }
                int n = Math.min(len, count);
                int first = Math.min(n, buf.length - head);
                System.arraycopy(buf, head, b, off, first);
                System.arraycopy(buf, 0, b, off + first, n - first);
                head = (head + n) % buf.length;
                count -= n;
                notFull.signal();
                return n;
            } finally {
                lock.unlock();
            }
        }

        int available() throws IOException {
            lock.lock();
            try {
                if (readerClosed) {
                    throw new IOException("pipe is closed");
                }
                return count;
            } finally {
                lock.unlock();
            }
        }

        void closeWriter() {
            lock.lock();
            try {
                writerClosed = true;
                notEmpty.signalAll();
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void closeReader() {
            lock.lock();
            try {
                readerClosed = true;
                count = 0;
                notEmpty.signalAll();
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private static void await(Condition condition) throws InterruptedIOException {
            try {
                condition.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting on a memory pipe");
            }
        }
    }

    private static final class End implements Duplex {
        private final Channel in;
        private final Channel out;
        private final String name;
        private final InputStream input;
        private final OutputStream output;

        End(Channel in, Channel out, String name) {
            this.in = in;
            this.out = out;
            this.name = name;
            this.input = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = in.read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return in.available();
                }

                @Override
                public void close() {
                    End.this.close();
                }
            };
            this.output = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() {
                    out.closeWriter();
                }
            };
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
        public void closeOutput() {
            out.closeWriter();
        }

        @Override
        public void close() {
            out.closeWriter();
            in.closeReader();
        }

        @Override
        public String toString() {
            return "MemoryPipe.End[" + name + "]";
        }
    }
}
