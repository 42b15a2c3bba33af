package org.jlibp2p.protocols.ping;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.time.Scheduler;

/**
 * The wire exchange of {@value PingBehaviour#PROTOCOL_ID}: the dialer sends 32 random bytes, the listener sends them
 * back, on the same stream as often as the dialer likes.
 */
public final class PingProtocol {
    /** The size of a ping payload. */
    public static final int SIZE = 32;

    private PingProtocol() {}

    /** Answers pings on {@code stream} until the dialer half-closes it. */
    public static void serve(Stream stream) throws IOException {
        byte[] buf = new byte[SIZE];
        InputStream in = stream.input();
        while (true) {
            int n = in.readNBytes(buf, 0, SIZE);
            if (n == 0) {
                return;
            }
            if (n < SIZE) {
                throw new EOFException("ping payload cut short after " + n + " bytes");
            }
            stream.output().write(buf);
            stream.output().flush();
        }
    }

    /**
     * Sends one ping on {@code stream} and waits for its echo; returns the round-trip time on {@code scheduler}'s
     * clock.
     *
     * @throws FormatException if the answer is not what was sent
     * @throws EOFException if the peer closed the stream
     */
    public static Duration ping(Stream stream, RandomGenerator random, Scheduler scheduler) throws IOException {
        byte[] sent = new byte[SIZE];
        byte[] got = new byte[SIZE];
        random.nextBytes(sent);
        long start = scheduler.nanoTime();
        stream.output().write(sent);
        stream.output().flush();
        if (stream.input().readNBytes(got, 0, SIZE) < SIZE) {
            throw new EOFException("peer closed the ping stream");
        }
        long rtt = scheduler.nanoTime() - start;
        if (!Arrays.equals(sent, got)) {
            throw new FormatException("ping answer does not match what was sent");
        }
        return Duration.ofNanos(rtt);
    }
}
