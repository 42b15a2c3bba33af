package org.jlibp2p.muxer.mplex;

import static org.jlibp2p.muxer.mplex.Frame.CLOSE_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.CLOSE_RECEIVER;
import static org.jlibp2p.muxer.mplex.Frame.MESSAGE_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.MESSAGE_RECEIVER;
import static org.jlibp2p.muxer.mplex.Frame.RESET_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.RESET_RECEIVER;

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
import org.jlibp2p.muxer.internal.SegmentQueue;

/**
 * One mplex stream. Reads block until data, end-of-stream (the remote's Close), a reset or the read timeout. Writes
 * never wait for the remote's reader (mplex has no flow control) beyond the connection's own back-pressure. The
 * receive buffer is bounded by {@link MplexConfig#maxBufferedPerStream()}.
 */
final class MplexStream implements MuxedStream {
    private final MplexSession session;
    private final long id;
    final boolean outbound;
    volatile String name;

    // Guarded by the session's lock.
    boolean removed;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition drained = lock.newCondition();
    // Guarded by lock.
    private final SegmentQueue buffer = new SegmentQueue();
    private boolean localWriteClosed;
    private boolean remoteWriteClosed;
    private boolean localReadClosed;
    private StreamResetException resetCause;
    private SessionClosedException sessionCause;
    private long readTimeoutNanos;

    /** Serialises this stream's messages and its Close, so that no message follows the Close on the wire. */
    private final ReentrantLock sendLock = new ReentrantLock();
    // Guarded by sendLock.
    private boolean closeSent;

    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    MplexStream(MplexSession session, long id, boolean outbound) {
        this.session = session;
        this.id = id;
        this.outbound = outbound;
        this.name = Long.toString(id);
    }

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

    private int flag(int initiatorFlag, int receiverFlag) {
        return outbound ? initiatorFlag : receiverFlag;
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
                throw new StreamResetException("session closed: " + sessionCause.getMessage(), sessionCause);
            }
            localWriteClosed = true;
            finished = remoteWriteClosed || localReadClosed;
        } finally {
            lock.unlock();
        }
        sendLock.lock();
        try {
            closeSent = true;
            session.writeFrame(id, flag(CLOSE_INITIATOR, CLOSE_RECEIVER), null, 0, 0, false);
        } finally {
            sendLock.unlock();
        }
        if (finished) {
            session.removeStream(this);
        }
    }

    /** Half-closes and stops reading: data not read yet, and data the remote sends from now on, is dropped. */
    @Override
    public void close() {
        try {
            closeOutput();
        } catch (IOException e) {
            // The stream or the session is gone already.
        }
        lock.lock();
        try {
            localReadClosed = true;
            buffer.clear();
            readable.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        session.removeStream(this);
    }

    @Override
    public void reset() {
        boolean tell;
        lock.lock();
        try {
            if (resetCause != null) {
                return;
            }
            resetCause = new StreamResetException("stream " + id + " was reset locally");
            tell = sessionCause == null && !(localWriteClosed && remoteWriteClosed);
            buffer.clear();
            readable.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        if (tell) {
            try {
                session.writeFrame(id, flag(RESET_INITIATOR, RESET_RECEIVER), null, 0, 0, false);
            } catch (IOException e) {
                // The session is gone; so is the stream.
            }
        }
        session.removeStream(this);
    }

    // ------------------------------------------------------------------------------------- called by the reader

    /**
     * Buffers a message, waiting up to {@code timeout} for the application to make room. Returns false if it did
     * not: the stream is then reset locally and the caller tells the remote.
     */
    boolean onData(byte[] payload, Duration timeout) throws InterruptedIOException {
        int cap = session.config().maxBufferedPerStream();
        lock.lock();
        try {
            long remaining = timeout.toNanos();
            while (buffer.size() + payload.length > cap && resetCause == null && !localReadClosed
                    && sessionCause == null) {
                if (remaining <= 0) {
                    resetCause = new StreamResetException("stream " + id + " was reset: its reader fell behind by "
                            + buffer.size() + " bytes for " + timeout);
                    buffer.clear();
                    readable.signalAll();
                    return false;
                }
                try {
                    remaining = drained.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while buffering for stream " + id);
                }
            }
            if (resetCause == null && !localReadClosed && !remoteWriteClosed) {
                buffer.add(payload);
                readable.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    void onRemoteClose() {
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
            session.removeStream(this);
        }
    }

    void onRemoteReset() {
        lock.lock();
        try {
            if (resetCause == null) {
                resetCause = new StreamResetException("stream " + id + " was reset by the remote");
                buffer.clear();
            }
            readable.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        session.removeStream(this);
    }

    /**
     * The session ended. If the remote ended it, data already received stays readable; if this side closed it, the
     * stream is reset.
     */
    void onSessionClosed(SessionClosedException cause, boolean keepBuffered) {
        lock.lock();
        try {
            sessionCause = cause;
            if (!keepBuffered && resetCause == null) {
                resetCause = new StreamResetException("session closed: " + cause.getMessage(), cause);
                buffer.clear();
            }
            readable.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long bufferedBytes() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ data path

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            long timeout = readTimeoutNanos;
            long remaining = timeout;
            while (buffer.isEmpty()) {
                if (localReadClosed) {
                    throw new IOException("stream " + id + " is closed");
                }
                if (resetCause != null) {
                    throw new StreamResetException(resetCause.getMessage(), resetCause.getCause());
                }
                if (remoteWriteClosed) {
                    return -1;
                }
                if (sessionCause != null) {
                    throw new StreamResetException("session closed: " + sessionCause.getMessage(), sessionCause);
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
            int n = buffer.read(b, off, len);
            drained.signal();
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int chunk = session.config().writeChunkSize();
        while (len > 0) {
            lock.lock();
            try {
                if (resetCause != null) {
                    throw new StreamResetException(resetCause.getMessage(), resetCause.getCause());
                }
                if (localWriteClosed) {
                    throw new IOException("stream " + id + " output is closed");
                }
                if (sessionCause != null) {
                    throw new StreamResetException("session closed: " + sessionCause.getMessage(), sessionCause);
                }
            } finally {
                lock.unlock();
            }
            int n = Math.min(len, chunk);
            sendLock.lock();
            try {
                if (closeSent) {
                    throw new IOException("stream " + id + " output is closed");
                }
                session.writeFrame(id, flag(MESSAGE_INITIATOR, MESSAGE_RECEIVER), b, off, n, false);
            } finally {
                sendLock.unlock();
            }
            off += n;
            len -= n;
        }
    }

    @Override
    public String toString() {
        return session + "/stream-" + id + (outbound ? "-out" : "-in");
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = MplexStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return MplexStream.this.read(b, off, len);
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
            MplexStream.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            MplexStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            MplexStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            closeOutput();
        }
    }
}
