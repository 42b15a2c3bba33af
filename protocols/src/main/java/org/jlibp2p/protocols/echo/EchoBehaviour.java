package org.jlibp2p.protocols.echo;

import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;

/**
 * The echo protocol ({@value #PROTOCOL_ID}): sends back everything it reads, then half-closes. A stream on which
 * nothing arrives for the progress timeout (default 60 s) is reset: an idle echo stream holds a buffer for nothing.
 */
public final class EchoBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/echo/1.0.0";
    public static final Duration DEFAULT_PROGRESS_TIMEOUT = Duration.ofSeconds(60);

    private static final int BUFFER = 64 * 1024;
    private final Duration progressTimeout;

    public EchoBehaviour() {
        this(DEFAULT_PROGRESS_TIMEOUT);
    }

    /** An echo service that resets streams idle for {@code progressTimeout}. */
    public EchoBehaviour(Duration progressTimeout) {
        if (progressTimeout.isNegative() || progressTimeout.isZero()) {
            throw new IllegalArgumentException("the progress timeout must be positive");
        }
        this.progressTimeout = progressTimeout;
    }

    @Override
    public void start(BehaviourContext context) {
        context.serve(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext context) {
        return stream -> serve(stream, progressTimeout);
    }

    /**
     * The client's side: sends {@code data} on a new echo stream of {@code connection} (from a thread of its own, so
     * that a large amount cannot deadlock against the echo coming back), half-closes, and returns what came back
     * until the peer half-closed. A failed write resets the stream, which ends the read.
     */
    public static byte[] exchange(Connection connection, byte[] data) throws IOException {
        try (Stream s = connection.newStream(PROTOCOL_ID)) {
            Thread writer = Thread.ofVirtual().name("echo-writer").start(() -> {
                try {
                    s.output().write(data);
                    s.closeOutput();
                } catch (IOException e) {
                    s.reset();
                }
            });
            byte[] back = s.input().readAllBytes();
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return back;
        }
    }

    /** Echoes {@code stream} until its input ends, with the default progress timeout. */
    public static void serve(Stream stream) throws IOException {
        serve(stream, DEFAULT_PROGRESS_TIMEOUT);
    }

    /**
     * Echoes {@code stream} until its input ends; its buffer is reserved from the node's memory limits first, and a
     * read waiting longer than {@code progressTimeout} fails the stream.
     */
    public static void serve(Stream stream, Duration progressTimeout) throws IOException {
        stream.reserveMemory(BUFFER);
        stream.setReadTimeout(progressTimeout);
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = stream.input().read(buf)) > 0) {
            stream.output().write(buf, 0, n);
            stream.output().flush();
        }
        stream.closeOutput();
    }
}
