package org.jlibp2p.protocols.perf;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.time.Scheduler;

/**
 * The perf protocol ({@value #PROTOCOL_ID}, libp2p/specs perf/perf.md): the client sends the number of bytes it
 * wants back as a big-endian u64, uploads any amount and half-closes; the server drains the upload, then sends the
 * requested number of bytes and closes. Off by default, as the spec advises: it lets any peer make the node send
 * data. Times are read from the node's scheduler.
 *
 * <p>Both sides count what actually crossed the stream: a client's {@link Result} holds the bytes its writes
 * accepted and the bytes it read, and the server side counts the upload bytes it drained ({@link #bytesReceived()})
 * before it answers, so a caller can compare what one side sent with what the other received.
 */
public final class PerfBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/perf/1.0.0";
    private static final int CHUNK = 64 * 1024;

    /** Bytes moved each way and how long each phase took. */
    public record Result(long uploaded, long downloaded, Duration uploadTime, Duration downloadTime, Duration total) {}

    private volatile BehaviourContext context;
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder exchangesServed = new LongAdder();

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext context) {
        return stream -> serve(stream, bytesReceived, exchangesServed);
    }

    /**
     * Upload bytes this node's perf server has drained from its clients so far, counted as they are read (all of an
     * exchange's upload is counted before its answer is sent).
     */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** Perf uploads this node's server has drained to their end (counted before the answer is sent). */
    public long exchangesServed() {
        return exchangesServed.sum();
    }

    /** The server side of one perf exchange; returns the number of upload bytes it drained. */
    public static long serve(Stream stream) throws IOException {
        return serve(stream, new LongAdder(), new LongAdder());
    }

    private static long serve(Stream stream, LongAdder received, LongAdder drainedUploads) throws IOException {
        long toSend;
        try {
            toSend = new DataInputStream(stream.input()).readLong();
        } catch (EOFException e) {
            throw new EOFException("perf request ended before its 8-byte length");
        }
        if (toSend < 0) {
            throw new FormatException("perf request for a negative byte count");
        }
        stream.reserveMemory(CHUNK);
        byte[] buf = new byte[CHUNK];
        InputStream in = stream.input();
        long drained = 0;
        int read;
        while ((read = in.read(buf)) >= 0) {
            drained += read;
            received.add(read);
        }
        drainedUploads.increment();
        OutputStream out = stream.output();
        long left = toSend;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
        }
        stream.closeOutput();
        return drained;
    }

    /** Uploads {@code upload} bytes to {@code peer} and downloads {@code download} bytes from it. */
    public Result run(PeerId peer, long upload, long download) throws IOException {
        BehaviourContext c = context;
        if (c == null) {
            throw new IllegalStateException("perf behaviour is not started");
        }
        if (upload < 0 || download < 0) {
            throw new IllegalArgumentException("byte counts must not be negative");
        }
        Scheduler clock = c.scheduler();
        long start = clock.nanoTime();
        try (Stream stream = c.openStream(peer, List.of(PROTOCOL_ID))) {
            OutputStream out = stream.output();
            out.write(ByteBuffer.allocate(8).putLong(download).array());
            byte[] buf = new byte[CHUNK];
            long sent = 0;
            while (sent < upload) {
                int n = (int) Math.min(buf.length, upload - sent);
                out.write(buf, 0, n);
                sent += n;
            }
            stream.closeOutput();
            long uploaded = clock.nanoTime();
            long got = 0;
            int n;
            while ((n = stream.input().read(buf)) >= 0) {
                got += n;
            }
            long end = clock.nanoTime();
            if (got != download) {
                throw new EOFException("perf server sent " + got + " of " + download + " bytes");
            }
            return new Result(sent, got, Duration.ofNanos(uploaded - start), Duration.ofNanos(end - uploaded),
                    Duration.ofNanos(end - start));
        }
    }
}
