package org.jlibp2p.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.util.Closeables;

/**
 * Negotiated streams without a network: two {@link Stream}s joined by an in-memory pipe, for handing a behaviour's
 * handler a stream in a unit test. A reset closes both ends. Read timeouts are not supported (reads wait).
 */
public final class PipeStreams {
    private static final AtomicLong IDS = new AtomicLong(1);

    private PipeStreams() {}

    /** Two ends of one stream: {@code local} on {@code localConnection}, {@code remote} for the test to drive. */
    public record Pair(Stream local, Stream remote) {}

    /** A stream of {@code protocol} opened by this side (local is OUTBOUND) on {@code connection}. */
    public static Pair outbound(Connection connection, String protocol) {
        return pair(connection, protocol, Direction.OUTBOUND);
    }

    /** A stream of {@code protocol} opened by the remote (local is INBOUND) on {@code connection}. */
    public static Pair inbound(Connection connection, String protocol) {
        return pair(connection, protocol, Direction.INBOUND);
    }

    private static Pair pair(Connection connection, String protocol, Direction localDirection) {
        MemoryPipe.Pair p = MemoryPipe.create();
        long id = IDS.getAndIncrement();
        PipeStream a = new PipeStream(id, p.a());
        PipeStream b = new PipeStream(id, p.b());
        a.other = b;
        b.other = a;
        Direction remoteDirection = localDirection == Direction.OUTBOUND ? Direction.INBOUND : Direction.OUTBOUND;
        FakeConnection mirror = FakeConnection.mirrorOf(connection);
        return new Pair(new Stream(a, connection, protocol, localDirection),
                new Stream(b, mirror, protocol, remoteDirection));
    }

    private static final class PipeStream implements MuxedStream {
        private final long id;
        private final Duplex end;
        PipeStream other;

        PipeStream(long id, Duplex end) {
            this.id = id;
            this.end = end;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public void reset() {
            Closeables.closeQuietly(end);
            Closeables.closeQuietly(other.end);
        }

        @Override
        public void setReadTimeout(Duration timeout) {
            // reads on a pipe wait until data or the end comes
        }

        @Override
        public InputStream input() {
            return end.input();
        }

        @Override
        public OutputStream output() {
            return end.output();
        }

        @Override
        public void closeOutput() throws IOException {
            end.closeOutput();
        }

        @Override
        public void close() throws IOException {
            end.closeOutput();
        }
    }
}
