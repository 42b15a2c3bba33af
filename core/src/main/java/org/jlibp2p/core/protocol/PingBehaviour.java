package org.jlibp2p.core.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;

/**
 * The ping protocol ({@value #PROTOCOL_ID}): the dialer sends 32 random bytes, the listener echoes them back, on the
 * same stream as often as the dialer likes.
 */
public final class PingBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";
    static final int SIZE = 32;

    private final RandomGenerator random;
    private volatile Swarm swarm;

    public PingBehaviour(RandomGenerator random) {
        this.random = random;
    }

    public PingBehaviour() {
        this(new java.security.SecureRandom());
    }

    @Override
    public void start(Swarm swarm) {
        this.swarm = swarm;
        swarm.setStreamHandler(PROTOCOL_ID, PingBehaviour::serve);
    }

    private static void serve(Stream stream) throws IOException {
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

    /** Pings {@code peer} {@code count} times on one stream; returns the round-trip times. */
    public Duration[] ping(PeerId peer, int count) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive");
        }
        Swarm s = swarm;
        if (s == null) {
            throw new IllegalStateException("ping behaviour is not started");
        }
        Duration[] rtts = new Duration[count];
        try (Stream stream = s.newStream(peer, java.util.List.of(PROTOCOL_ID))) {
            byte[] sent = new byte[SIZE];
            byte[] got = new byte[SIZE];
            for (int i = 0; i < count; i++) {
                random.nextBytes(sent);
                long start = System.nanoTime();
                stream.output().write(sent);
                stream.output().flush();
                if (stream.input().readNBytes(got, 0, SIZE) < SIZE) {
                    throw new EOFException("peer closed the ping stream");
                }
                rtts[i] = Duration.ofNanos(System.nanoTime() - start);
                if (!Arrays.equals(sent, got)) {
                    throw new FormatException("ping answer does not match what was sent");
                }
            }
            stream.closeOutput();
        }
        return rtts;
    }

    /** One ping. */
    public Duration ping(PeerId peer) throws IOException {
        return ping(peer, 1)[0];
    }
}
