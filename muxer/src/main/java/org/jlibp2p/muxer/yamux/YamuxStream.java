package org.jlibp2p.muxer.yamux;

import static org.jlibp2p.muxer.yamux.Header.FLAG_FIN;
import static org.jlibp2p.muxer.yamux.Header.FLAG_RST;
import static org.jlibp2p.muxer.yamux.Header.TYPE_DATA;
import static org.jlibp2p.muxer.yamux.Header.TYPE_WINDOW_UPDATE;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.muxer.internal.BufferedStream;

/**
 * One Yamux stream. Reads block until data, end-of-stream (the remote's FIN), a reset or the read timeout; writes
 * block while the send window is spent. The receive buffer holds at most the receive window; consumed bytes are
 * returned to the remote as window updates once half a window is due, and the window doubles (up to
 * {@link YamuxConfig#maxStreamWindow()}) when updates are due within four round trips of each other (a round trip
 * counting as at least a millisecond). Both are read on the session's clock: on one that stood still since the last
 * update (a {@link org.jlibp2p.core.time.ManualScheduler} nobody advanced), nothing says how fast the application
 * reads, and the window stays as it is.
 */
final class YamuxStream extends BufferedStream {
    /** The shortest round-trip time window tuning assumes. */
    private static final long MIN_TUNING_RTT_NANOS = 1_000_000;
    private final YamuxSession session;
    final boolean outbound;

    // Guarded by the session's lock.
    boolean acked;
    boolean removed;

    // Guarded by lock.
    private long sendWindow = YamuxConfig.INITIAL_STREAM_WINDOW;
    private int recvWindow = YamuxConfig.INITIAL_STREAM_WINDOW;
    private long recvCredit = YamuxConfig.INITIAL_STREAM_WINDOW;
    private long epochStart;

    /** Serialises this stream's data frames and its FIN, so that no data follows the FIN on the wire. */
    private final ReentrantLock sendLock = new ReentrantLock();
    // Guarded by sendLock.
    private boolean finSent;

    YamuxStream(YamuxSession session, long id, boolean outbound) {
        super(id, session.receiveBudget());
        this.session = session;
        this.outbound = outbound;
        this.epochStart = session.nanoTime();
    }

    @Override
    protected void sendEndOfOutput() throws IOException {
        sendLock.lock();
        try {
            finSent = true;
            session.writeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, id, 0, null, 0, 0, false);
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    protected void removeFromSession() {
        session.removeStream(this);
    }

    /** A read freed window: the update to send, if one is due. */
    @Override
    protected long consumed() {
        return windowUpdateDue();
    }

    @Override
    protected void afterRead(long windowUpdate) {
        try {
            session.sendWindowUpdate(id, windowUpdate);
        } catch (IOException e) {
            // The session failed; the next read or write reports it.
        }
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

    /**
     * Whether a data frame of {@code length} bytes fits the receive credit: -1 if it does, else the credit left. Takes
     * nothing: {@link #onData} takes the credit when it buffers the payload, in the same step, so that a window
     * update computed meanwhile (by a read) never counts the frame's bytes as neither credit nor buffered.
     */
    long checkReceive(long length) {
        lock.lock();
        try {
            return length > recvCredit ? recvCredit : -1;
        } finally {
            lock.unlock();
        }
    }

    /** Buffers a payload {@link #checkReceive} accepted, taking its receive credit. */
    void onData(Segment payload) {
        lock.lock();
        try {
            recvCredit -= payload.length();
            if (resetCause == null && !localReadClosed) {
                buffer.add(payload);
                readable.signal();
                return;
            }
        } finally {
            lock.unlock();
        }
        payload.release();
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

    // ------------------------------------------------------------------------------------------------ for tests

    int receiveWindow() {
        lock.lock();
        try {
            return recvWindow;
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
        long now = session.nanoTime();
        if (config.windowAutoTuning() && recvWindow < config.maxStreamWindow()) {
            long rtt = session.rttNanos();
            long elapsed = now - epochStart;
            // On loopback a ping measures mostly thread hand-offs (tens of microseconds); tuning on that alone
            // would hardly ever grow the window on the fastest links, so short round trips count as a millisecond.
            // No time elapsed (a clock that stands still, where a round trip measures zero too) says nothing of the
            // rate: the window stays, rather than doubling at every update up to the maximum.
            if (rtt >= 0 && elapsed > 0 && elapsed < 4 * Math.max(rtt, MIN_TUNING_RTT_NANOS)) {
                int grown = (int) Math.min(2L * recvWindow, config.maxStreamWindow());
                delta += grown - recvWindow;
                recvWindow = grown;
            }
        }
        epochStart = now;
        recvCredit += delta;
        return delta;
    }

    @Override
    protected void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int maxFrame = session.maxDataFrame();
        while (len > 0) {
            int n;
            boolean flush;
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
                // Flush after the last frame of this write, or before the window runs out: the next frame would wait
                // for a window update the remote sends only once it has read what is sent.
                flush = n == len || sendWindow == 0;
            } finally {
                lock.unlock();
            }
            sendLock.lock();
            try {
                if (finSent) {
                    throw new IOException("stream " + id + " output is closed");
                }
                session.writeFrame(TYPE_DATA, 0, id, n, b, off, n, false, flush);
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
            throw sessionClosed();
        }
    }

    @Override
    public String toString() {
        return session + "/stream-" + id;
    }
}
