package org.jlibp2p.muxer.yamux;

import static org.jlibp2p.muxer.yamux.Header.FLAG_FIN;
import static org.jlibp2p.muxer.yamux.Header.FLAG_RST;
import static org.jlibp2p.muxer.yamux.Header.TYPE_DATA;
import static org.jlibp2p.muxer.yamux.Header.TYPE_WINDOW_UPDATE;

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
 * One Yamux stream. Reads block until data, end-of-stream (the remote's FIN), a reset or the read timeout; writes
 * block while the send window is spent. The receive buffer holds at most the receive window; consumed bytes are
 * returned to the remote as window updates once half a window is due, and the window doubles (up to
 * {@link YamuxConfig#maxStreamWindow()}) when updates are due within four round trips of each other (a round trip
 * counting as at least a millisecond).
 */
final class YamuxStream implements MuxedStream {
    /** The shortest round-trip time window tuning assumes. */
    private static final long MIN_TUNING_RTT_NANOS = 1_000_000;
    private final YamuxSession session;
    private final long id;
    final boolean outbound;

    // Guarded by the session's lock.
    boolean acked;
    boolean removed;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    // Guarded by lock.
    private final SegmentQueue buffer = new SegmentQueue();
    private long sendWindow = YamuxConfig.INITIAL_STREAM_WINDOW;
    private int recvWindow = YamuxConfig.INITIAL_STREAM_WINDOW;
    private long recvCredit = YamuxConfig.INITIAL_STREAM_WINDOW;
    private long epochStart = System.nanoTime();
    private boolean localWriteClosed;
    private boolean remoteWriteClosed;
    private boolean localReadClosed;
    private StreamResetException resetCause;
    private SessionClosedException sessionCause;
    private long readTimeoutNanos;

    /** Serialises this stream's data frames and its FIN, so that no data follows the FIN on the wire. */
    private final ReentrantLock sendLock = new ReentrantLock();
    // Guarded by sendLock.
    private boolean finSent;

    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    YamuxStream(YamuxSession session, long id, boolean outbound) {
        this.session = session;
        this.id = id;
        this.outbound = outbound;
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
            writable.signalAll();
            finished = remoteWriteClosed || localReadClosed;
        } finally {
            lock.unlock();
        }
        sendLock.lock();
        try {
            finSent = true;
            session.writeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, id, 0, null, 0, 0, false);
        } finally {
            sendLock.unlock();
        }
        if (finished) {
            session.removeStream(this);
        }
    }

    /**
     * Half-closes (FIN) and stops reading: data not read yet is dropped, and data the remote sends from now on is
     * answered with RST.
     */
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
            tell = sessionCause == null && !(localWriteClosed && remoteWriteClosed) && !localReadClosed;
            buffer.clear();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        if (tell) {
            try {
                session.writeFrame(TYPE_WINDOW_UPDATE, FLAG_RST, id, 0, null, 0, 0, false);
            } catch (IOException e) {
                // The session is gone; so is the stream.
            }
        }
        session.removeStream(this);
    }

    boolean isReset() {
        lock.lock();
        try {
            return resetCause != null;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------- called by the reader

    boolean remoteFinished() {
        lock.lock();
        try {
            return remoteWriteClosed;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code length} bytes of receive credit; returns -1 if it could, else the credit left. */
    long reserveReceive(long length) {
        lock.lock();
        try {
            if (length > recvCredit) {
                return recvCredit;
            }
            recvCredit -= length;
            return -1;
        } finally {
            lock.unlock();
        }
    }

    void onData(byte[] payload) {
        lock.lock();
        try {
            if (resetCause == null && !localReadClosed) {
                buffer.add(payload);
                readable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    void onWindowUpdate(long delta) {
        lock.lock();
        try {
            sendWindow += delta;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onRemoteFin() {
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
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        session.removeStream(this);
    }

    /**
     * The session ended. If the remote ended it, data already received stays readable (then end-of-stream if the
     * remote had finished, else a reset); if this side closed it, the stream is reset.
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
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ for tests

    int receiveWindow() {
        lock.lock();
        try {
            return recvWindow;
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

    long sendWindow() {
        lock.lock();
        try {
            return sendWindow;
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
        int n;
        long update;
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
            if (localReadClosed) {
                throw new IOException("stream " + id + " is closed");
            }
            n = buffer.read(b, off, len);
            update = windowUpdateDue();
        } finally {
            lock.unlock();
        }
        if (update > 0) {
            try {
                session.sendWindowUpdate(id, update);
            } catch (IOException e) {
                // The session failed; the next read or write reports it.
            }
        }
        return n;
    }

    /** The window update to send now, if half a window or more is due; grows the window when tuning says so. */
    private long windowUpdateDue() {
        if (remoteWriteClosed || resetCause != null || sessionCause != null) {
            return 0;
        }
        long delta = recvWindow - (recvCredit + buffer.size());
        if (delta < recvWindow / 2) {
            return 0;
        }
        YamuxConfig config = session.config();
        long now = System.nanoTime();
        if (config.windowAutoTuning() && recvWindow < config.maxStreamWindow()) {
            long rtt = session.rttNanos();
            // On loopback a ping measures mostly thread hand-offs (tens of microseconds); tuning on that alone
            // would hardly ever grow the window on the fastest links, so short round trips count as a millisecond.
            if (rtt > 0 && now - epochStart < 4 * Math.max(rtt, MIN_TUNING_RTT_NANOS)) {
                int grown = (int) Math.min(2L * recvWindow, config.maxStreamWindow());
                delta += grown - recvWindow;
                recvWindow = grown;
            }
        }
        epochStart = now;
        recvCredit += delta;
        return delta;
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int maxFrame = session.maxDataFrame();
        while (len > 0) {
            int n;
            lock.lock();
            try {
                while (true) {
                    checkWritable();
                    if (sendWindow > 0) {
                        break;
                    }
                    try {
                        writable.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for window on stream " + id);
                    }
                }
                n = (int) Math.min(Math.min(len, sendWindow), maxFrame);
                sendWindow -= n;
            } finally {
                lock.unlock();
            }
            sendLock.lock();
            try {
                if (finSent) {
                    throw new IOException("stream " + id + " output is closed");
                }
                session.writeFrame(TYPE_DATA, 0, id, n, b, off, n, false);
            } finally {
                sendLock.unlock();
            }
            off += n;
            len -= n;
        }
    }

    private void checkWritable() throws IOException {
        if (resetCause != null) {
            throw resetException();
        }
        if (localWriteClosed) {
            throw new IOException("stream " + id + " output is closed");
        }
        if (sessionCause != null) {
            throw new StreamResetException("session closed: " + sessionCause.getMessage(), sessionCause);
        }
    }

    private StreamResetException resetException() {
        return new StreamResetException(resetCause.getMessage(), resetCause.getCause());
    }

    @Override
    public String toString() {
        return session + "/stream-" + id;
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = YamuxStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return YamuxStream.this.read(b, off, len);
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
            YamuxStream.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            YamuxStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            YamuxStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            closeOutput();
        }
    }
}
