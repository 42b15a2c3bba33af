package org.jlibp2p.muxer.yamux;

import static org.jlibp2p.muxer.yamux.Header.FLAG_ACK;
import static org.jlibp2p.muxer.yamux.Header.FLAG_RST;
import static org.jlibp2p.muxer.yamux.Header.FLAG_SYN;
import static org.jlibp2p.muxer.yamux.Header.GO_AWAY_INTERNAL_ERROR;
import static org.jlibp2p.muxer.yamux.Header.GO_AWAY_NORMAL;
import static org.jlibp2p.muxer.yamux.Header.GO_AWAY_PROTOCOL_ERROR;
import static org.jlibp2p.muxer.yamux.Header.TYPE_DATA;
import static org.jlibp2p.muxer.yamux.Header.TYPE_GO_AWAY;
import static org.jlibp2p.muxer.yamux.Header.TYPE_PING;
import static org.jlibp2p.muxer.yamux.Header.TYPE_WINDOW_UPDATE;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxerProtocolException;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.mux.StreamLimitException;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.muxer.ReceiveBudget;
import org.jlibp2p.muxer.internal.SessionThreads;

/**
 * One Yamux session over a connection.
 *
 * <p>A reader loop on its own thread demultiplexes frames into the streams' receive buffers; application threads
 * write their frames directly, one frame at a time under a lock around the connection's output (never held while
 * waiting for window). Frames the reader loop must answer (pong, RST of refused streams) go through a small bounded
 * queue drained by a thread started when a frame is queued and ending when the queue is empty, so that the reader
 * never blocks on the output; each keep-alive ping is written by a short-lived thread of its own. An idle session
 * has no thread but its reader.
 *
 * <p>Time and threads are the node's. Keep-alive pings are timed by the {@link Scheduler} given to
 * {@link Yamux#start}, whose clock also measures round-trip times and paces window tuning: on a
 * {@link org.jlibp2p.core.time.ManualScheduler} keep-alive pings go out only when time is moved, and a round trip
 * during which time stands still measures zero. Every thread the session starts (its reader, the threads sending
 * pings, the one draining replies, the one sending go-away) comes from the {@link ThreadFactory} given with it; when
 * the factory refuses one (returns null: the node is closing), the session closes. Waits for I/O stay on real time:
 * a stream's read timeout ({@link org.jlibp2p.core.mux.MuxedStream#setReadTimeout}), the timeout of
 * {@link #ping(Duration)}, and how long closing waits to send go-away ({@link YamuxConfig#closeTimeout()}).
 *
 * <p>Limits and their behaviour are those of {@link YamuxConfig}. Anything the remote does against the protocol
 * (bad version, unknown frame type, a frame for a stream never opened, a SYN reusing an id, data past the window or
 * after FIN) closes the session with a go-away "protocol error"; {@link #acceptStream()} and {@link #openStream()}
 * then throw a {@link SessionClosedException} whose cause is the {@link MuxerProtocolException}. Frames for a stream
 * that was open and is closed now are dropped, as go-yamux does (the remote may not have learnt of the close yet);
 * data among them is answered with RST, so that a remote writer does not wait forever for window.
 */
public final class YamuxSession implements MuxedSession {
    private static final Logger LOG = System.getLogger(YamuxSession.class.getName());
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;
    private static final int CONTROL_QUEUE_CAPACITY = 1024;
    /** How many id slots below the highest inbound stream id a SYN may still arrive (concurrent opens may swap). */
    private static final int REMOTE_ID_WINDOW = 1024;

    private final Duplex connection;
    private final boolean initiator;
    private final YamuxConfig config;
    private final ReceiveBudget receiveBudget;
    private final Scheduler scheduler;
    private final ThreadFactory threads;
    private final String name;
    private final InputStream in;
    private final OutputStream out;

    private final ReentrantLock writeLock = new ReentrantLock();
    // Guarded by writeLock.
    private final byte[] header = new byte[Header.SIZE];
    /** Header and payload together, for an output that does not buffer (grown as frames need); guarded by writeLock. */
    private byte[] joinBuffer;
    private final boolean outputBuffered;
    private final int maxDataFrame;

    private final ConcurrentHashMap<Integer, YamuxStream> streams = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acceptable = lock.newCondition();
    private final Condition openable = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<YamuxStream> acceptQueue = new ArrayDeque<>();
    private long nextLocalId;
    private long highestRemoteId;
    private final long[] remoteIdsSeen = new long[REMOTE_ID_WINDOW / 64];
    private int inboundCount;
    private int outboundCount;
    private int unackedOutbound;
    private boolean localGoAway;
    private boolean remoteGoAway;
    private volatile SessionClosedException closeReason;

    private final ReentrantLock controlLock = new ReentrantLock();
    // Guarded by controlLock.
    private ArrayDeque<Control> control;
    private boolean draining;
    /** The id of the last keep-alive ping (the first ping counts as one), or -1. */
    private volatile long keepAlivePing = -1;
    private volatile Cancellable keepAlive = Cancellable.NONE;
    private final ConcurrentHashMap<Long, PendingPing> pings = new ConcurrentHashMap<>();
    private final AtomicInteger pingIds = new AtomicInteger();
    /** The round-trip time the last pong measured (zero on a clock that stood still), or -1 before the first. */
    private volatile long rttNanos = -1;

    private record Control(int type, int flags, long streamId, long length) {}

    private static final class PendingPing {
        /** When the ping left, on the session's clock; set again just before it is written. */
        volatile long sentAt;
        final CountDownLatch done = new CountDownLatch(1);
        volatile long rtt = -1;

        PendingPing(long sentAt) {
            this.sentAt = sentAt;
        }
    }

    private YamuxSession(Duplex connection, boolean initiator, YamuxConfig config, ReceiveBudget nodeBudget,
            Scheduler scheduler, ThreadFactory threads) {
        this.connection = connection;
        this.initiator = initiator;
        this.config = config;
        this.receiveBudget = new ReceiveBudget(config.maxReceiveBuffer(), nodeBudget);
        this.scheduler = scheduler;
        this.threads = threads;
        this.name = "yamux-" + (initiator ? "initiator-" : "responder-") + SEQUENCE.incrementAndGet();
        // A secure channel reads ahead already; a bare connection gets a buffer so headers cost no system call each.
        this.in = connection.inputBuffered() ? connection.input()
                : new BufferedInputStream(connection.input(), 16 * 1024);
        this.out = connection.output();
        this.outputBuffered = connection.outputBuffered();
        // A frame that fits one unit of the connection (a Noise message) leaves in one piece when flushed.
        int unit = connection.outputUnit();
        this.maxDataFrame = unit > Header.SIZE + 1024 ? Math.min(config.maxFrameSize(), unit - Header.SIZE)
                : config.maxFrameSize();
        this.nextLocalId = initiator ? 1 : 2;
    }

    /**
     * Starts a session: its reader, the first ping, and keep-alive pings every {@link YamuxConfig#keepAliveInterval()}
     * on {@code scheduler}.
     *
     * @throws SessionClosedException if {@code threads} refuses a thread (the node is closing); the connection is
     *     closed then
     */
    static YamuxSession start(Duplex connection, boolean initiator, YamuxConfig config, ReceiveBudget nodeBudget,
            Scheduler scheduler, ThreadFactory threads) throws SessionClosedException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(threads, "threads");
        YamuxSession session = new YamuxSession(connection, initiator, config, nodeBudget, scheduler, threads);
        // The first ping measures the round-trip time that window tuning needs; it counts as a keep-alive ping.
        long firstPing = session.registerPing();
        session.keepAlivePing = firstPing;
        Thread reader = session.newThread("reader", session::readLoop);
        Thread pinger = session.newThread("first-ping", () -> session.sendPing(firstPing));
        if (reader == null || pinger == null) {
            session.terminate(new SessionClosedException("no thread to start the session: the node is closing"), -1,
                    false);
            SessionThreads.startAll(reader, pinger); // on the closed session these end at once
            throw session.closedException();
        }
        LOG.log(Level.DEBUG, "{0}: started over {1}", session.name, connection);
        reader.start();
        pinger.start();
        Duration interval = config.keepAliveInterval();
        if (interval.isPositive()) {
            session.keepAlive = scheduler.every(interval, session::keepAliveDue);
            if (session.closeReason != null) {
                session.keepAlive.cancel(); // closed meanwhile: terminate may have missed it
            }
        }
        return session;
    }

    /** A thread of the node's factory named after this session, not started; null if the factory refuses. */
    private Thread newThread(String role, Runnable task) {
        return SessionThreads.named(threads, name, role, task);
    }

    /** Bytes this session's streams hold received and not yet read (at most the configured maxReceiveBuffer). */
    public long bufferedReceiveBytes() {
        return receiveBudget.used();
    }

    ReceiveBudget receiveBudget() {
        return receiveBudget;
    }

    YamuxConfig config() {
        return config;
    }

    /** The largest payload of a data frame this side sends. */
    int maxDataFrame() {
        return maxDataFrame;
    }

    /**
     * The round-trip time the last pong measured on the session's clock, empty before the first pong. Zero on a
     * clock that stands still during the round trip (a {@link org.jlibp2p.core.time.ManualScheduler}).
     */
    public Optional<Duration> rtt() {
        long rtt = rttNanos;
        return rtt < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(rtt));
    }

    /** The last round-trip time in nanoseconds, or -1 before the first pong. */
    long rttNanos() {
        return rttNanos;
    }

    /** A reading of the session's clock, in nanoseconds. */
    long nanoTime() {
        return scheduler.nanoTime();
    }

    /**
     * Sends a ping and waits for the pong, at most {@code timeout} of real time; returns the round-trip time measured
     * on the session's clock.
     */
    public Duration ping(Duration timeout) throws IOException {
        long id = pingIds.getAndIncrement() & MAX_STREAM_ID;
        PendingPing ping = new PendingPing(scheduler.nanoTime());
        pings.put(id, ping);
        try {
            writeFrame(TYPE_PING, FLAG_SYN, 0, id, null, 0, 0, false);
            if (!ping.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("no pong within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a pong");
        } finally {
            pings.remove(id);
        }
        if (ping.rtt < 0) {
            throw closedException();
        }
        return Duration.ofNanos(ping.rtt);
    }

    /**
     * Tells the remote this side opens no new streams and accepts none from now on (inbound SYNs are refused with
     * RST); streams already open carry on. {@link #close()} sends it too.
     */
    public void goAway() throws IOException {
        lock.lock();
        try {
            if (localGoAway) {
                return;
            }
            localGoAway = true;
        } finally {
            lock.unlock();
        }
        writeFrame(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL, null, 0, 0, false);
    }

    @Override
    public YamuxStream openStream() throws IOException {
        YamuxStream stream;
        lock.lock();
        try {
            while (true) {
                if (closeReason != null) {
                    throw closedException();
                }
                if (remoteGoAway) {
                    throw new SessionClosedException("the remote sent go-away: it accepts no new streams");
                }
                if (localGoAway) {
                    throw new SessionClosedException("this side sent go-away: it opens no new streams");
                }
                if (outboundCount >= config.maxOutboundStreams()) {
                    throw new StreamLimitException(
                            "already " + outboundCount + " outbound streams open, the limit of this session");
                }
                if (unackedOutbound < config.ackBacklog()) {
                    break;
                }
                openable.await();
            }
            if (nextLocalId > MAX_STREAM_ID) {
                throw new StreamLimitException("stream ids exhausted on this session");
            }
            long id = nextLocalId;
            nextLocalId += 2;
            stream = new YamuxStream(this, id, true);
            streams.put(key(id), stream);
            outboundCount++;
            unackedOutbound++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to open a stream");
        } finally {
            lock.unlock();
        }
        writeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, stream.id(), 0, null, 0, 0, false);
        return stream;
    }

    @Override
    public YamuxStream acceptStream() throws IOException {
        while (true) {
            YamuxStream stream;
            lock.lock();
            try {
                while (acceptQueue.isEmpty()) {
                    if (closeReason != null) {
                        throw closedException();
                    }
                    if (remoteGoAway) {
                        throw new SessionClosedException("the remote sent go-away: it opens no new streams");
                    }
                    acceptable.await();
                }
                stream = acceptQueue.pollFirst();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while accepting a stream");
            } finally {
                lock.unlock();
            }
            if (stream.isReset()) {
                continue;
            }
            writeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, stream.id(), 0, null, 0, 0, false);
            return stream;
        }
    }

    @Override
    public boolean isOpen() {
        return closeReason == null;
    }

    @Override
    public int streamCount() {
        return streams.size();
    }

    /** Why the session closed, or null while it is open. */
    public SessionClosedException closeReason() {
        return closeReason;
    }

    /**
     * Closes the session. Streams are reset, except after the remote's go-away: closing then answers the remote's
     * leaving, and what it sent before it left stays readable.
     */
    @Override
    public void close() {
        boolean remoteLeft;
        lock.lock();
        try {
            remoteLeft = remoteGoAway;
        } finally {
            lock.unlock();
        }
        terminate(new SessionClosedException("session closed locally"), GO_AWAY_NORMAL, remoteLeft);
    }

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------------------------------------------- writing

    /**
     * Writes one frame (header and payload in one write) and flushes. Holds the write lock only for the write.
     *
     * @param force write even though the session is closing (for the final go-away)
     */
    void writeFrame(int type, int flags, long streamId, long length, byte[] payload, int off, int len, boolean force)
            throws IOException {
        writeFrame(type, flags, streamId, length, payload, off, len, force, true);
    }

    /**
     * Writes one frame, and flushes if {@code flush}: a stream writing several frames in a row flushes after the
     * last, so that a buffering output sends them together. Whoever leaves a frame unflushed must flush before it
     * waits for anything the remote would send in answer.
     */
    void writeFrame(int type, int flags, long streamId, long length, byte[] payload, int off, int len, boolean force,
            boolean flush) throws IOException {
        IOException failure;
        writeLock.lock();
        try {
            if (!force && closeReason != null) {
                throw closedException();
            }
            if (outputBuffered || len == 0) {
                // The output keeps both until the flush: no copy of the payload here.
                Header.encode(header, type, flags, streamId, length);
                out.write(header, 0, Header.SIZE);
                if (len > 0) {
                    out.write(payload, off, len);
                }
            } else {
                if (joinBuffer == null || joinBuffer.length < Header.SIZE + len) {
                    // Sized to the largest frame sent so far (a power of two), so that sessions carrying only small
                    // messages keep a small buffer.
                    joinBuffer = new byte[Math.min(Header.SIZE + maxDataFrame,
                            Math.max(256, Integer.highestOneBit(Header.SIZE + len - 1) << 1))];
                }
                Header.encode(joinBuffer, type, flags, streamId, length);
                System.arraycopy(payload, off, joinBuffer, Header.SIZE, len);
                out.write(joinBuffer, 0, Header.SIZE + len);
            }
            if (flush) {
                out.flush();
            }
            if (LOG.isLoggable(Level.TRACE)) {
                LOG.log(Level.TRACE, "{0}: sent {1}", name, Header.describe(type, flags, streamId, length));
            }
            return;
        } catch (SessionClosedException e) {
            throw e;
        } catch (IOException e) {
            failure = e;
        } finally {
            writeLock.unlock();
        }
        if (force) {
            throw failure;
        }
        SessionClosedException reason = new SessionClosedException(
                "connection failed while writing: " + failure.getMessage(), failure);
        terminate(reason, -1, true);
        throw closedException();
    }

    void sendWindowUpdate(long streamId, long delta) throws IOException {
        writeFrame(TYPE_WINDOW_UPDATE, 0, streamId, delta, null, 0, 0, false);
    }

    private void enqueueControl(Control frame, boolean mustSend) throws MuxerProtocolException {
        boolean start = false;
        controlLock.lock();
        try {
            if (control == null) {
                control = new ArrayDeque<>();
            }
            if (control.size() >= CONTROL_QUEUE_CAPACITY) {
                if (mustSend) {
                    throw new MuxerProtocolException("more than " + CONTROL_QUEUE_CAPACITY
                            + " frames await a reply while the remote does not read");
                }
                LOG.log(Level.DEBUG, "{0}: dropped a pong, the reply queue is full", name);
                return;
            }
            control.addLast(frame);
            if (!draining) {
                draining = true;
                start = true;
            }
        } finally {
            controlLock.unlock();
        }
        if (start) {
            Thread drainer = newThread("control", this::drainControl);
            if (drainer == null) {
                controlLock.lock();
                try {
                    draining = false;
                    control = null;
                } finally {
                    controlLock.unlock();
                }
                terminate(new SessionClosedException("no thread to send replies: the node is closing"), -1, true);
                return;
            }
            drainer.start();
        }
    }

    /** Writes queued control frames until the queue is empty, then ends. */
    private void drainControl() {
        while (true) {
            Control frame;
            controlLock.lock();
            try {
                frame = control.pollFirst();
                if (frame == null || closeReason != null) {
                    draining = false;
                    if (frame == null) {
                        control = null; // an idle session keeps no queue
                    }
                    return;
                }
            } finally {
                controlLock.unlock();
            }
            try {
                writeFrame(frame.type(), frame.flags(), frame.streamId(), frame.length(), null, 0, 0, false);
            } catch (IOException e) {
                return; // the session is closing; nobody drains any more
            }
        }
    }

    /**
     * Runs on the node's scheduler at each keep-alive interval. Decides at once, so that the outcome depends only on
     * which pongs arrived before the scheduler's clock reached this point: a keep-alive ping still unanswered closes
     * the session, else a new one is registered. The blocking part (closing, or writing the ping) runs on a thread.
     */
    private void keepAliveDue() {
        if (closeReason != null) {
            keepAlive.cancel();
            return;
        }
        long last = keepAlivePing;
        Runnable work;
        if (last >= 0 && pings.remove(last) != null) {
            keepAlive.cancel(); // now, so that no keep-alive is pending once the session reports itself closed
            work = () -> terminate(new SessionClosedException("keep-alive ping unanswered for "
                    + config.keepAliveInterval()), -1, true);
        } else {
            long id = registerPing();
            keepAlivePing = id;
            work = () -> sendPing(id);
        }
        Thread t = newThread("keep-alive", work);
        if (t == null) {
            terminate(new SessionClosedException("no thread for a keep-alive ping: the node is closing"), -1, true);
            return;
        }
        t.start();
    }

    /** Registers a ping whose pong updates the RTT estimate; returns its id. {@link #sendPing} sends it. */
    private long registerPing() {
        long id = pingIds.getAndIncrement() & MAX_STREAM_ID;
        pings.put(id, new PendingPing(scheduler.nanoTime()));
        return id;
    }

    /** Sends a ping {@link #registerPing} registered; forgets it if it could not be sent. */
    private void sendPing(long id) {
        PendingPing ping = pings.get(id);
        if (ping == null) {
            return;
        }
        ping.sentAt = scheduler.nanoTime();
        try {
            writeFrame(TYPE_PING, FLAG_SYN, 0, id, null, 0, 0, false);
        } catch (IOException e) {
            pings.remove(id);
        }
    }

    // ---------------------------------------------------------------------------------------------------- reading

    private void readLoop() {
        byte[] header = new byte[Header.SIZE];
        try {
            while (true) {
                int n = in.readNBytes(header, 0, Header.SIZE);
                if (n == 0) {
                    terminate(new SessionClosedException("connection closed by the remote"), -1, true);
                    return;
                }
                if (n < Header.SIZE) {
                    throw new TruncatedFrameException(Header.SIZE, n);
                }
                int version = header[0] & 0xFF;
                int type = header[1] & 0xFF;
                int flags = Header.flags(header);
                long streamId = Header.u32(header, 4);
                long length = Header.u32(header, 8);
                if (LOG.isLoggable(Level.TRACE)) {
                    LOG.log(Level.TRACE, "{0}: received {1}", name, Header.describe(type, flags, streamId, length));
                }
                if (version != Header.VERSION) {
                    throw new MuxerProtocolException("unsupported yamux version " + version);
                }
                switch (type) {
                    case TYPE_DATA, TYPE_WINDOW_UPDATE -> onStreamFrame(type, flags, streamId, length);
                    case TYPE_PING -> onPing(flags, length);
                    case TYPE_GO_AWAY -> {
                        if (onGoAway(length)) {
                            return;
                        }
                    }
                    default -> throw new MuxerProtocolException("unknown yamux frame type " + type);
                }
            }
        } catch (MuxerProtocolException e) {
            if (closeReason == null) {
                LOG.log(Level.DEBUG, "{0}: remote broke the protocol: {1}", name, e.getMessage());
            }
            terminate(new SessionClosedException("protocol error: " + e.getMessage(), e), GO_AWAY_PROTOCOL_ERROR,
                    false);
        } catch (IOException e) {
            terminate(new SessionClosedException("connection failed: " + e.getMessage(), e), -1, true);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, name + ": reader failed", e);
            terminate(new SessionClosedException("internal error: " + e, e), GO_AWAY_INTERNAL_ERROR, false);
        }
    }

    private void onStreamFrame(int type, int flags, long streamId, long length) throws IOException {
        if (streamId == 0) {
            throw new MuxerProtocolException(Header.typeName(type) + " frame on stream id 0");
        }
        YamuxStream stream;
        if ((flags & FLAG_SYN) != 0) {
            stream = onSyn(streamId);
            if (stream == null) {
                if (type == TYPE_DATA) {
                    discard(streamId, length);
                }
                return;
            }
        } else {
            stream = streams.get(key(streamId));
            if (stream == null) {
                onUnknownStream(type, flags, streamId, length);
                return;
            }
        }
        if (type == TYPE_DATA) {
            if (length > 0) {
                if (stream.remoteFinished()) {
                    throw new MuxerProtocolException("data after FIN on stream " + streamId);
                }
                long credit = stream.checkReceive(length);
                if (credit >= 0) {
                    throw new MuxerProtocolException("data frame of " + length + " bytes on stream " + streamId
                            + " exceeds its receive window of " + credit);
                }
                if (!stream.admitReceive(length)) {
                    // Costs the remote this stream, not the session: it stayed within the stream's window, but
                    // the sum over its streams is more than this side holds unread.
                    discard(streamId, length);
                    LOG.log(Level.DEBUG, "{0}: reset stream {1}: the receive buffer holds {2} bytes", name,
                            streamId, receiveBudget.used());
                    enqueueControl(new Control(TYPE_WINDOW_UPDATE, FLAG_RST, streamId, 0), false);
                    removeStream(stream);
                    return;
                }
                stream.onData(Segment.read(in, (int) length));
            }
        } else if (length > 0 && (flags & FLAG_RST) == 0) {
            stream.onWindowUpdate(length);
        }
        if ((flags & FLAG_ACK) != 0) {
            onAck(stream);
        }
        if ((flags & Header.FLAG_FIN) != 0) {
            stream.onRemoteEndOfOutput();
        }
        if ((flags & FLAG_RST) != 0) {
            stream.onRemoteReset();
        }
    }

    /** A SYN: registers the stream, or refuses it with RST (returns null) when a limit is reached. */
    private YamuxStream onSyn(long streamId) throws MuxerProtocolException {
        if (isLocalId(streamId)) {
            throw new MuxerProtocolException("SYN for stream " + streamId + " whose id belongs to this side");
        }
        String refusal;
        lock.lock();
        try {
            markRemoteIdUsed(streamId);
            if (closeReason != null) {
                return null;
            }
            if (localGoAway) {
                refusal = "go-away sent";
            } else if (inboundCount >= config.maxInboundStreams()) {
                refusal = inboundCount + " inbound streams open";
            } else if (acceptQueue.size() >= config.ackBacklog()) {
                refusal = acceptQueue.size() + " inbound streams not yet accepted";
            } else {
                YamuxStream stream = new YamuxStream(this, streamId, false);
                streams.put(key(streamId), stream);
                inboundCount++;
                acceptQueue.addLast(stream);
                acceptable.signal();
                return stream;
            }
        } finally {
            lock.unlock();
        }
        LOG.log(Level.DEBUG, "{0}: refused inbound stream {1}: {2}", name, streamId, refusal);
        enqueueControl(new Control(TYPE_WINDOW_UPDATE, FLAG_RST, streamId, 0), true);
        return null;
    }

    /**
     * Remembers that the remote used {@code id}; refuses an id used before. SYNs may arrive slightly out of order
     * (implementations allocate ids under a lock but send SYNs outside it), so ids up to {@link #REMOTE_ID_WINDOW}
     * slots below the highest seen are accepted once; older ones count as reuse. Called under the lock.
     */
    private void markRemoteIdUsed(long id) throws MuxerProtocolException {
        long slot = id >>> 1;
        long highestSlot = highestRemoteId >>> 1;
        if (id > highestRemoteId) {
            if (slot - highestSlot >= REMOTE_ID_WINDOW) {
                Arrays.fill(remoteIdsSeen, 0L);
            } else {
                for (long s = highestSlot + 1; s < slot; s++) {
                    clearSeen(s);
                }
            }
            highestRemoteId = id;
        } else if (highestSlot - slot >= REMOTE_ID_WINDOW || isSeen(slot)) {
            throw new MuxerProtocolException("SYN reuses stream id " + id);
        }
        setSeen(slot);
    }

    private boolean isSeen(long slot) {
        int bit = (int) (slot % REMOTE_ID_WINDOW);
        return (remoteIdsSeen[bit >>> 6] & (1L << bit)) != 0;
    }

    private void setSeen(long slot) {
        int bit = (int) (slot % REMOTE_ID_WINDOW);
        remoteIdsSeen[bit >>> 6] |= 1L << bit;
    }

    private void clearSeen(long slot) {
        int bit = (int) (slot % REMOTE_ID_WINDOW);
        remoteIdsSeen[bit >>> 6] &= ~(1L << bit);
    }

    private void onUnknownStream(int type, int flags, long streamId, long length) throws IOException {
        boolean known;
        lock.lock();
        try {
            known = isLocalId(streamId) ? streamId < nextLocalId : streamId <= highestRemoteId;
        } finally {
            lock.unlock();
        }
        if (!known) {
            throw new MuxerProtocolException(Header.typeName(type) + " frame for stream " + streamId
                    + " which was never opened");
        }
        // A stream closed or reset here; frames the remote sent before it learnt that are dropped. Data means
        // the remote still writes to a stream nobody reads: tell it with RST.
        if (type == TYPE_DATA && length > 0) {
            discard(streamId, length);
            if ((flags & FLAG_RST) == 0) {
                enqueueControl(new Control(TYPE_WINDOW_UPDATE, FLAG_RST, streamId, 0), false);
            }
        }
    }

    private void discard(long streamId, long length) throws IOException {
        if (length > config.maxStreamWindow()) {
            throw new MuxerProtocolException("data frame of " + length + " bytes on stream " + streamId
                    + " exceeds any receive window");
        }
        in.skipNBytes(length);
    }

    private void onAck(YamuxStream stream) {
        lock.lock();
        try {
            if (stream.outbound && !stream.acked && !stream.removed) {
                stream.acked = true;
                unackedOutbound--;
                openable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void onPing(int flags, long opaque) throws MuxerProtocolException {
        if ((flags & FLAG_SYN) != 0) {
            enqueueControl(new Control(TYPE_PING, FLAG_ACK, 0, opaque), false);
        } else if ((flags & FLAG_ACK) != 0) {
            PendingPing ping = pings.remove(opaque);
            if (ping != null) {
                long rtt = Math.max(0, scheduler.nanoTime() - ping.sentAt);
                rttNanos = rtt;
                ping.rtt = rtt;
                ping.done.countDown();
            }
        }
    }

    /** Returns true if the session ended. */
    private boolean onGoAway(long code) {
        if (code == GO_AWAY_NORMAL) {
            LOG.log(Level.DEBUG, "{0}: remote sent go-away", name);
            lock.lock();
            try {
                remoteGoAway = true;
                acceptable.signalAll();
                openable.signalAll();
            } finally {
                lock.unlock();
            }
            return false;
        }
        String what = code == GO_AWAY_PROTOCOL_ERROR ? "protocol error"
                : code == GO_AWAY_INTERNAL_ERROR ? "internal error" : "error code " + code;
        LOG.log(Level.DEBUG, "{0}: remote sent go-away: {1}", name, what);
        terminate(new SessionClosedException("the remote sent go-away: " + what), -1, true);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------- streams

    /** Forgets a stream that is finished, reset or closed. Idempotent. */
    void removeStream(YamuxStream stream) {
        lock.lock();
        try {
            if (stream.removed) {
                return;
            }
            stream.removed = true;
            streams.remove(key(stream.id()), stream);
            if (stream.outbound) {
                outboundCount--;
                if (!stream.acked) {
                    unackedOutbound--;
                }
                openable.signal();
            } else {
                inboundCount--;
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean isLocalId(long id) {
        return (id & 1) == (initiator ? 1 : 0);
    }

    private static Integer key(long id) {
        return (int) id;
    }

    SessionClosedException closedException() {
        SessionClosedException reason = closeReason;
        return reason == null ? new SessionClosedException("session closed")
                : new SessionClosedException(reason.getMessage(), reason.getCause() != null ? reason.getCause() : reason);
    }

    /**
     * Ends the session once: fails every stream, sends go-away if {@code goAwayCode >= 0} (waiting at most the close
     * timeout), and closes the connection.
     *
     * @param keepBuffered whether streams keep the data already received readable (the remote ended the session)
     */
    private void terminate(SessionClosedException reason, int goAwayCode, boolean keepBuffered) {
        List<YamuxStream> open;
        lock.lock();
        try {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
            open = new ArrayList<>(streams.values());
            streams.clear();
            acceptQueue.clear();
            acceptable.signalAll();
            openable.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.log(Level.DEBUG, "{0}: closed ({1}), {2} streams open", name, reason.getMessage(), open.size());
        for (YamuxStream stream : open) {
            stream.onSessionClosed(reason, keepBuffered);
        }
        for (PendingPing ping : pings.values()) {
            ping.done.countDown();
        }
        keepAlive.cancel();
        if (goAwayCode >= 0) {
            Thread sender = newThread("go-away", () -> {
                try {
                    writeFrame(TYPE_GO_AWAY, 0, 0, goAwayCode, null, 0, 0, true);
                } catch (IOException e) {
                    // The connection is going anyway.
                }
            });
            if (sender == null) {
                // The node is closing: the connection goes without go-away rather than risk a write that blocks.
                LOG.log(Level.DEBUG, "{0}: no thread to send go-away", name);
            } else {
                sender.start();
                try {
                    sender.join(config.closeTimeout());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            connection.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: closing the connection failed: {1}", name, e.getMessage());
        }
    }
}
