package org.jlibp2p.muxer.mplex;

import static org.jlibp2p.muxer.mplex.Frame.CLOSE_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.CLOSE_RECEIVER;
import static org.jlibp2p.muxer.mplex.Frame.MESSAGE_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.MESSAGE_RECEIVER;
import static org.jlibp2p.muxer.mplex.Frame.NEW_STREAM;
import static org.jlibp2p.muxer.mplex.Frame.RESET_INITIATOR;
import static org.jlibp2p.muxer.mplex.Frame.RESET_RECEIVER;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxerProtocolException;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.mux.StreamLimitException;
import org.jlibp2p.muxer.ReceiveBudget;
import org.jlibp2p.muxer.internal.SessionThreads;

/**
 * One mplex session over a connection. A reader loop on its own thread demultiplexes frames; application threads
 * write their frames directly, one at a time under a lock around the connection's output. Resets the reader must
 * send (refused streams, streams whose reader fell behind) go through a small bounded queue drained by a second
 * thread, so that the reader never blocks on the output. Both threads come from the {@link ThreadFactory} given to
 * {@link Mplex#start}, the node's; if it refuses one (the node is closing), the session does not start.
 *
 * <p>mplex keeps no timers and reads no clock. Its only timeouts wait on real time, as I/O does: a stream's read
 * timeout ({@link org.jlibp2p.core.mux.MuxedStream#setReadTimeout}) and how long the reader waits for room in a
 * stream's buffer ({@link MplexConfig#receiveTimeout()}).
 *
 * <p>A frame longer than 1 MiB, an unknown flag, a malformed varint or a NewStream reusing an open id closes the
 * session; {@link #acceptStream()} and {@link #openStream()} then throw a {@link SessionClosedException} whose cause
 * says why. Frames for streams no longer open are dropped, as go-mplex does.
 */
public final class MplexSession implements MuxedSession {
    private static final Logger LOG = System.getLogger(MplexSession.class.getName());
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final int CONTROL_QUEUE_CAPACITY = 1024;

    private final Duplex connection;
    private final MplexConfig config;
    private final ReceiveBudget receiveBudget;
    private final String name;
    private final InputStream in;
    private final OutputStream out;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final byte[] writeBuffer;

    /** Streams this side opened, and streams the remote opened: the two id spaces of mplex. */
    private final ConcurrentHashMap<Long, MplexStream> localStreams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, MplexStream> remoteStreams = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acceptable = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<MplexStream> acceptQueue = new ArrayDeque<>();
    private long nextId;
    private int inboundCount;
    private int outboundCount;
    private volatile SessionClosedException closeReason;

    private final BlockingQueue<long[]> resets = new ArrayBlockingQueue<>(CONTROL_QUEUE_CAPACITY);
    private volatile Thread controller;

    private MplexSession(Duplex connection, boolean initiator, MplexConfig config, ReceiveBudget nodeBudget) {
        this.connection = connection;
        this.config = config;
        this.receiveBudget = new ReceiveBudget(config.maxReceiveBuffer(), nodeBudget);
        this.name = "mplex-" + (initiator ? "initiator-" : "responder-") + SEQUENCE.incrementAndGet();
        this.in = new BufferedInputStream(connection.input(), 16 * 1024);
        this.out = connection.output();
        this.writeBuffer = new byte[Frame.MAX_HEADER_SIZE + config.writeChunkSize()];
    }

    /**
     * Starts a session: its reader and the thread that sends resets.
     *
     * @throws SessionClosedException if {@code threads} refuses a thread (the node is closing); the connection is
     *     closed then
     */
    static MplexSession start(Duplex connection, boolean initiator, MplexConfig config, ReceiveBudget nodeBudget,
            ThreadFactory threads) throws SessionClosedException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(threads, "threads");
        MplexSession session = new MplexSession(connection, initiator, config, nodeBudget);
        Thread reader = SessionThreads.named(threads, session.name, "reader", session::readLoop);
        Thread controller = SessionThreads.named(threads, session.name, "control", session::controlLoop);
        session.controller = controller;
        if (reader == null || controller == null) {
            session.terminate(new SessionClosedException("no thread to start the session: the node is closing"),
                    false);
            SessionThreads.startAll(reader, controller); // on the closed session these end at once
            throw session.closedException();
        }
        LOG.log(Level.DEBUG, "{0}: started over {1}", session.name, connection);
        reader.start();
        controller.start();
        return session;
    }

    /** Bytes this session's streams hold received and not yet read (at most the configured maxReceiveBuffer). */
    public long bufferedReceiveBytes() {
        return receiveBudget.used();
    }

    ReceiveBudget receiveBudget() {
        return receiveBudget;
    }

    MplexConfig config() {
        return config;
    }

    @Override
    public MplexStream openStream() throws IOException {
        MplexStream stream;
        lock.lock();
        try {
            if (closeReason != null) {
                throw closedException();
            }
            if (outboundCount >= config.maxOutboundStreams()) {
                throw new StreamLimitException(
                        "already " + outboundCount + " outbound streams open, the limit of this session");
            }
            if (nextId > Frame.MAX_STREAM_ID) {
                throw new StreamLimitException("stream ids exhausted on this session");
            }
            long id = nextId++;
            stream = new MplexStream(this, id, true);
            localStreams.put(id, stream);
            outboundCount++;
        } finally {
            lock.unlock();
        }
        byte[] streamName = Long.toString(stream.id()).getBytes(StandardCharsets.UTF_8);
        writeFrame(stream.id(), NEW_STREAM, streamName, 0, streamName.length, false);
        return stream;
    }

    @Override
    public MplexStream acceptStream() throws IOException {
        lock.lock();
        try {
            while (acceptQueue.isEmpty()) {
                if (closeReason != null) {
                    throw closedException();
                }
                acceptable.await();
            }
            return acceptQueue.pollFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting a stream");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return closeReason == null;
    }

    @Override
    public int streamCount() {
        return localStreams.size() + remoteStreams.size();
    }

    /** Why the session closed, or null while it is open. */
    public SessionClosedException closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        terminate(new SessionClosedException("session closed locally"), false);
    }

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------------------------------------------- writing

    /** Writes one frame (header and payload in one write) and flushes; holds the write lock only for the write. */
    void writeFrame(long streamId, int flag, byte[] payload, int off, int len, boolean force) throws IOException {
        IOException failure;
        writeLock.lock();
        try {
            if (!force && closeReason != null) {
                throw closedException();
            }
            int headerSize = Frame.encodeHeader(writeBuffer, streamId, flag, len);
            if (len > 0) {
                System.arraycopy(payload, off, writeBuffer, headerSize, len);
            }
            out.write(writeBuffer, 0, headerSize + len);
            out.flush();
            if (LOG.isLoggable(Level.TRACE)) {
                LOG.log(Level.TRACE, "{0}: sent {1} stream={2} length={3}", name, Frame.flagName(flag), streamId, len);
            }
            return;
        } catch (SessionClosedException e) {
            throw e;
        } catch (IOException e) {
            failure = e;
        } finally {
            writeLock.unlock();
        }
        terminate(new SessionClosedException("connection failed while writing: " + failure.getMessage(), failure),
                true);
        throw closedException();
    }

    private void enqueueReset(MplexStream stream) throws MuxerProtocolException {
        enqueueReset(stream.id(), stream.outbound);
    }

    private void enqueueReset(long streamId, boolean ourStream) throws MuxerProtocolException {
        if (!resets.offer(new long[] {streamId, ourStream ? RESET_INITIATOR : RESET_RECEIVER})) {
            throw new MuxerProtocolException(
                    "more than " + CONTROL_QUEUE_CAPACITY + " resets await sending while the remote does not read");
        }
    }

    private void controlLoop() {
        try {
            while (closeReason == null) {
                long[] reset = resets.take();
                writeFrame(reset[0], (int) reset[1], null, 0, 0, false);
            }
        } catch (InterruptedException | IOException e) {
            // The session is closing.
        }
    }

    // ---------------------------------------------------------------------------------------------------- reading

    private void readLoop() {
        try {
            while (true) {
                long header;
                try {
                    header = Varint.read(in);
                } catch (EOFException e) {
                    terminate(new SessionClosedException("connection closed by the remote"), true);
                    return;
                }
                long length = Varint.read(in);
                if (length > MplexConfig.MAX_MESSAGE_SIZE) {
                    throw new FrameTooLargeException(length, MplexConfig.MAX_MESSAGE_SIZE);
                }
                long id = header >>> 3;
                int flag = (int) (header & 7);
                if (LOG.isLoggable(Level.TRACE)) {
                    LOG.log(Level.TRACE, "{0}: received {1} stream={2} length={3}", name, Frame.flagName(flag), id,
                            length);
                }
                onFrame(id, flag, (int) length);
            }
        } catch (MuxerProtocolException | FrameTooLargeException | org.jlibp2p.core.multiformats.VarintException e) {
            if (closeReason == null) {
                LOG.log(Level.DEBUG, "{0}: remote broke the protocol: {1}", name, e.getMessage());
            }
            MuxerProtocolException cause =
                    e instanceof MuxerProtocolException m ? m : new MuxerProtocolException(e.getMessage(), e);
            terminate(new SessionClosedException("protocol error: " + e.getMessage(), cause), false);
        } catch (IOException e) {
            terminate(new SessionClosedException("connection failed: " + e.getMessage(), e), true);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, name + ": reader failed", e);
            terminate(new SessionClosedException("internal error: " + e, e), false);
        }
    }

    private void onFrame(long id, int flag, int length) throws IOException {
        switch (flag) {
            case NEW_STREAM -> onNewStream(id, readPayload(length));
            case MESSAGE_RECEIVER, MESSAGE_INITIATOR -> {
                MplexStream stream = stream(id, flag);
                if (stream == null) {
                    in.skipNBytes(length);
                    return;
                }
                if (!stream.admitReceive(length)) {
                    in.skipNBytes(length);
                    LOG.log(Level.DEBUG, "{0}: reset stream {1}: the receive buffer holds {2} bytes", name,
                            stream.id(), receiveBudget.used());
                    enqueueReset(stream);
                    removeStream(stream);
                    return;
                }
                if (!stream.onData(readPayload(length), config.receiveTimeout())) {
                    LOG.log(Level.DEBUG, "{0}: reset stream {1}: its reader fell behind", name, stream.id());
                    enqueueReset(stream);
                    removeStream(stream);
                }
            }
            case CLOSE_RECEIVER, CLOSE_INITIATOR -> {
                in.skipNBytes(length);
                MplexStream stream = stream(id, flag);
                if (stream != null) {
                    stream.onRemoteEndOfOutput();
                }
            }
            case RESET_RECEIVER, RESET_INITIATOR -> {
                in.skipNBytes(length);
                MplexStream stream = stream(id, flag);
                if (stream != null) {
                    stream.onRemoteReset();
                }
            }
            default -> throw new MuxerProtocolException("unknown mplex flag " + flag + " on stream " + id);
        }
    }

    /** The stream a frame addresses: the flags odd for receivers address our streams, even ones the remote's. */
    private MplexStream stream(long id, int flag) {
        boolean fromReceiver = flag == MESSAGE_RECEIVER || flag == CLOSE_RECEIVER || flag == RESET_RECEIVER;
        return fromReceiver ? localStreams.get(id) : remoteStreams.get(id);
    }

    private byte[] readPayload(int length) throws IOException {
        return LengthPrefixed.readExactly(in, length);
    }

    private void onNewStream(long id, byte[] streamName) throws MuxerProtocolException {
        String refusal;
        lock.lock();
        try {
            if (remoteStreams.containsKey(id)) {
                throw new MuxerProtocolException("NewStream reuses the id of open stream " + id);
            }
            if (closeReason != null) {
                return;
            }
            if (inboundCount >= config.maxInboundStreams()) {
                refusal = inboundCount + " inbound streams open";
            } else if (acceptQueue.size() >= config.acceptBacklog()) {
                refusal = acceptQueue.size() + " inbound streams not yet accepted";
            } else {
                MplexStream stream = new MplexStream(this, id, false);
                stream.name = new String(streamName, StandardCharsets.UTF_8);
                remoteStreams.put(id, stream);
                inboundCount++;
                acceptQueue.addLast(stream);
                acceptable.signal();
                return;
            }
        } finally {
            lock.unlock();
        }
        LOG.log(Level.DEBUG, "{0}: refused inbound stream {1}: {2}", name, id, refusal);
        enqueueReset(id, false);
    }

    // ---------------------------------------------------------------------------------------------------- streams

    /** Forgets a stream that is finished, reset or closed. Idempotent. */
    void removeStream(MplexStream stream) {
        lock.lock();
        try {
            if (stream.removed) {
                return;
            }
            stream.removed = true;
            if (stream.outbound) {
                localStreams.remove(stream.id(), stream);
                outboundCount--;
            } else {
                remoteStreams.remove(stream.id(), stream);
                inboundCount--;
            }
        } finally {
            lock.unlock();
        }
    }

    SessionClosedException closedException() {
        SessionClosedException reason = closeReason;
        return reason == null ? new SessionClosedException("session closed")
                : new SessionClosedException(reason.getMessage(), reason.getCause() != null ? reason.getCause() : reason);
    }

    /**
     * Ends the session once: fails every stream and closes the connection.
     *
     * @param keepBuffered whether streams keep the data already received readable (the remote ended the session)
     */
    private void terminate(SessionClosedException reason, boolean keepBuffered) {
        List<MplexStream> open;
        lock.lock();
        try {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
            open = new ArrayList<>(localStreams.values());
            open.addAll(remoteStreams.values());
            localStreams.clear();
            remoteStreams.clear();
            acceptQueue.clear();
            acceptable.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.log(Level.DEBUG, "{0}: closed ({1}), {2} streams open", name, reason.getMessage(), open.size());
        for (MplexStream stream : open) {
            stream.onSessionClosed(reason, keepBuffered);
        }
        if (controller != null && Thread.currentThread() != controller) {
            controller.interrupt();
        }
        try {
            connection.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: closing the connection failed: {1}", name, e.getMessage());
        }
    }
}
