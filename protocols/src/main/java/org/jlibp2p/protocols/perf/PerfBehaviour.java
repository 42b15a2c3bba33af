package org.jlibp2p.protocols.perf;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
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
 */
public final class PerfBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/perf/1.0.0";
    private static final int CHUNK = 64 * 1024;

    /** Bytes moved each way and how long each phase took. */
    public record Result(long uploaded, long downloaded, Duration uploadTime, Duration downloadTime, Duration total) {}

    private volatile BehaviourContext context;

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext context) {
        return PerfBehaviour::serve;
    }

    /** The server side of one perf exchange. */
    public static void serve(Stream stream) throws IOException {
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
        while (in.read(buf) >= 0) {
            // drain the upload
        }
        OutputStream out = stream.output();
        long left = toSend;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
        }
        stream.closeOutput();
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
            long left = upload;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
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
            return new Result(upload, got, Duration.ofNanos(uploaded - start), Duration.ofNanos(end - uploaded),
                    Duration.ofNanos(end - start));
        }
    }
}
