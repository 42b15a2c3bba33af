package org.jlibp2p.muxer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.muxer.ReceiveBudget;

/**
 * The receiving half every muxer stream shares: a buffer the session's reader fills and the application drains,
 * blocking reads with a timeout, and the states a stream goes through (half-closed either way, reset, session
 * closed). Subclasses add the protocol: how data and the end of output go on the wire, what a reset sends, and what
 * consuming data gives back to the remote (a Yamux window update; room in mplex's bounded buffer).
 *
 * <p>All state is guarded by {@link #lock}. {@link #readable} wakes readers; {@link #writable} wakes whoever waits to
 * put bytes somewhere: a writer waiting for send window, or the session's reader waiting for buffer room.
 */
public abstract class BufferedStream implements MuxedStream {
    protected final long id;
    protected final ReentrantLock lock = new ReentrantLock();
    protected final Condition readable = lock.newCondition();
    protected final Condition writable = lock.newCondition();
    // Guarded by lock.
    protected final SegmentQueue buffer;
    private final ReceiveBudget budget;
    protected boolean localWriteClosed;
    protected boolean remoteWriteClosed;
    protected boolean localReadClosed;
    protected StreamResetException resetCause;
    protected SessionClosedException sessionCause;
    private long readTimeoutNanos;

    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    /** A stream whose buffered bytes count against {@code budget}, its session's. */
    protected BufferedStream(long id, ReceiveBudget budget) {
        this.id = id;
        this.budget = budget;
        this.buffer = new SegmentQueue(budget);
    }

    /** Writes application data, in frames the protocol allows. */
    protected abstract void write(byte[] b, int off, int len) throws IOException;

    /** Puts the end of this side's output on the wire (Yamux FIN, mplex Close). Called without the lock. */
    protected abstract void sendEndOfOutput() throws IOException;

    /** Forgets the stream in its session. Called without the lock; may be called more than once. */
    protected abstract void removeFromSession();

    /**
     * Called with the lock held after a read took bytes from the buffer; returns what {@link #afterRead} needs
     * (0 for nothing).
     */
    protected abstract long consumed();

    /** Called without the lock after a read, with what {@link #consumed} returned when it was not 0. */
    protected void afterRead(long consumedResult) {}

    @Override
    public long id() {
        return id;
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
    public void setReadTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative read timeout: " + timeout);
        }
        lock.lock();
        try {
            readTimeoutNanos = timeout.toNanos();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void closeOutput() throws IOException {
        boolean finished;
        lock.lock();
        try {
            if (localWriteClosed || resetCause != null) {
                return;
            }
            if (sessionCause != null) {
                throw sessionClosed();
            }
            localWriteClosed = true;
            writable.signalAll();
            finished = remoteWriteClosed || localReadClosed;
        } finally {
            lock.unlock();
        }
        sendEndOfOutput();
        if (finished) {
            removeFromSession();
        }
    }

    /** Half-closes and stops reading: data not read yet, and data the remote sends from now on, is dropped. */
    @Override
    public void close() {
        try {
            closeOutput();
        } catch (IOException e) {
            // The stream or the session is gone already; nothing left to tell the remote.
        }
        lock.lock();
        try {
            localReadClosed = true;
            buffer.clear();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        removeFromSession();
    }

    /** Bytes received and not read yet. */
    public long bufferedBytes() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------- called by the reader

    /** The remote ended its output (Yamux FIN, mplex Close): reads return end-of-stream once the buffer is empty. */
    public void onRemoteEndOfOutput() {
        boolean finished;
        lock.lock();
        try {
            remoteWriteClosed = true;
            readable.signalAll();
            finished = localWriteClosed;
        } finally {
            lock.unlock();
        }
        if (finished) {
            removeFromSession();
        }
    }

    public void onRemoteReset() {
        lock.lock();
        try {
            if (resetCause == null) {
                resetCause = new StreamResetException("stream " + id + " was reset by the remote");
                buffer.clear();
            }
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        removeFromSession();
    }

    /**
     * The session ended. If the remote ended it, data already received stays readable (then end-of-stream if the
     * remote had finished, else a reset); if this side closed it, the stream is reset.
     */
    public void onSessionClosed(SessionClosedException cause, boolean keepBuffered) {
        lock.lock();
        try {
            sessionCause = cause;
            if (!keepBuffered && resetCause == null) {
                resetCause = new StreamResetException("session closed: " + cause.getMessage(), cause);
                buffer.clear();
            }
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ data path

    /**
     * Whether {@code length} more bytes of this stream fit the session's receive budget, and the node's above it. If
     * they do not, the stream
     * is reset from this side (reads and writes fail, what it buffered is dropped) and false is returned: the
     * session then discards the payload, tells the remote and forgets the stream.
     */
    public boolean admitReceive(long length) {
        if (budget.hasRoomFor(length)) {
            return true;
        }
        lock.lock();
        try {
            if (resetCause == null) {
                resetCause = new StreamResetException("stream " + id + " was reset: no room for " + length
                        + " more bytes in the receive buffer, bytes received and not yet read across the session's"
                        + " streams: " + budget.describe());
                buffer.clear();
                readable.signalAll();
                writable.signalAll();
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The exception for any use of a reset stream. Call with the lock held. */
    protected StreamResetException resetException() {
        return new StreamResetException(resetCause.getMessage(), resetCause.getCause());
    }

    /** The exception for any use of a stream whose session is closed. Call with the lock held. */
    protected StreamResetException sessionClosed() {
        return new StreamResetException("session closed: " + sessionCause.getMessage(), sessionCause);
    }

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n;
        long afterwards;
        lock.lock();
        try {
            long timeout = readTimeoutNanos;
            long remaining = timeout;
            while (buffer.isEmpty()) {
                if (localReadClosed) {
                    throw new IOException("stream " + id + " is closed");
                }
                if (resetCause != null) {
                    throw resetException();
                }
                if (remoteWriteClosed) {
                    return -1;
                }
                if (sessionCause != null) {
                    throw sessionClosed();
                }
                try {
                    if (timeout == 0) {
                        readable.await();
                    } else {
                        if (remaining <= 0) {
                            throw new SocketTimeoutException(
                                    "read timed out after " + Duration.ofNanos(timeout) + " on stream " + id);
                        }
                        remaining = readable.awaitNanos(remaining);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading stream " + id);
                }
            }
            n = buffer.read(b, off, len);
            afterwards = consumed();
        } finally {
            lock.unlock();
        }
        if (afterwards != 0) {
            afterRead(afterwards);
        }
        return n;
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = BufferedStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return BufferedStream.this.read(b, off, len);
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return (int) Math.min(Integer.MAX_VALUE, buffer.size());
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            BufferedStream.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            BufferedStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            BufferedStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            closeOutput();
        }
    }
}
