package org.jlibp2p.muxer.mplex;

import static org.jlibp2p.muxer.mplex.Frame.CLOSE_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.CLOSE_RECEIVER;
import static org.jlibp2p.muxer.mplex.Frame.MESSAGE_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.MESSAGE_RECEIVER;
import static org.jlibp2p.muxer.mplex.Frame.RESET_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.RESET_RECEIVER;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.muxer.internal.BufferedStream;

/**
 * One mplex stream. Reads block until data, end-of-stream (the remote's Close), a reset or the read timeout. Writes
 * never wait for the remote's reader (mplex has no flow control) beyond the connection's own back-pressure. The
 * receive buffer is bounded by {@link MplexConfig#maxBufferedPerStream()}: the session's reader waits for room (on
 * {@link #writable}), then resets a stream whose reader fell too far behind.
 */
final class MplexStream extends BufferedStream {
    private final MplexSession session;
    final boolean outbound;
    volatile String name;

    // Guarded by the session's lock.
    boolean removed;

    /** Serialises this stream's messages and its Close, so that no message follows the Close on the wire. */
    private final ReentrantLock sendLock = new ReentrantLock();
    // Guarded by sendLock.
    private boolean closeSent;

    MplexStream(MplexSession session, long id, boolean outbound) {
        super(id, session.receiveBudget());
        this.session = session;
        this.outbound = outbound;
        this.name = Long.toString(id);
    }

    private int flag(int initiatorFlag, int receiverFlag) {
        return outbound ? initiatorFlag : receiverFlag;
    }

    @Override
    protected void sendEndOfOutput() throws IOException {
        sendLock.lock();
        try {
            closeSent = true;
            session.writeFrame(id, flag(CLOSE_INITIATOR, CLOSE_RECEIVER), null, 0, 0, false);
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    protected void removeFromSession() {
        session.removeStream(this);
    }

    /** A read made room: wake the session's reader if it waits for some. */
    @Override
    protected long consumed() {
        writable.signal();
        return 0;
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
            writable.signalAll();
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
                    remaining = writable.awaitNanos(remaining);
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

    // ------------------------------------------------------------------------------------------------ data path

    @Override
    protected void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int chunk = session.config().writeChunkSize();
        while (len > 0) {
            lock.lock();
            try {
                if (resetCause != null) {
                    throw resetException();
                }
                if (localWriteClosed) {
                    throw new IOException("stream " + id + " output is closed");
                }
                if (sessionCause != null) {
                    throw sessionClosed();
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
}
