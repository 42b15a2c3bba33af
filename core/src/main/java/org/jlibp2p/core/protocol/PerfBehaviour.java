package org.jlibp2p.core.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;

/**
 * The perf protocol ({@value #PROTOCOL_ID}, libp2p/specs perf/perf.md): the client sends the number of bytes it
 * wants back as a big-endian u64, uploads any amount and half-closes; the server drains the upload, then sends the
 * requested number of bytes and closes. Off by default, as the spec advises: it lets any peer make the node send
 * data.
 */
public final class PerfBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/perf/1.0.0";
    private static final int CHUNK = 64 * 1024;

    /** Bytes moved each way and how long each phase took. */
    public record Result(long uploaded, long downloaded, Duration uploadTime, Duration downloadTime, Duration total) {}

    private volatile Swarm swarm;

    @Override
    public void start(Swarm swarm) {
        this.swarm = swarm;
        swarm.setStreamHandler(PROTOCOL_ID, PerfBehaviour::serve);
    }

    static void serve(Stream stream) throws IOException {
        long toSend;
        try {
            toSend = new DataInputStream(stream.input()).readLong();
        } catch (EOFException e) {
            throw new EOFException("perf request ended before its 8-byte length");
        }
        if (toSend < 0) {
            throw new IOException("perf request for a negative byte count");
        }
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
        Swarm s = swarm;
        if (s == null) {
            throw new IllegalStateException("perf behaviour is not started");
        }
        if (upload < 0 || download < 0) {
            throw new IllegalArgumentException("byte counts must not be negative");
        }
        long start = System.nanoTime();
        try (Stream stream = s.newStream(peer, List.of(PROTOCOL_ID))) {
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
            long uploaded = System.nanoTime();
            long got = 0;
            int n;
            while ((n = stream.input().read(buf)) >= 0) {
                got += n;
            }
            long end = System.nanoTime();
            if (got != download) {
                throw new EOFException("perf server sent " + got + " of " + download + " bytes");
            }
            return new Result(upload, got, Duration.ofNanos(uploaded - start), Duration.ofNanos(end - uploaded),
                    Duration.ofNanos(end - start));
        }
    }
}
