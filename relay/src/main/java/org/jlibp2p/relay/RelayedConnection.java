package org.jlibp2p.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.transport.RawConnection;

/**
 * A circuit through a relay as a raw connection: the bytes of a hop or stop stream, which the swarm secures and
 * multiplexes as it does a TCP connection (the relay sees only ciphertext). Always {@linkplain #limited() limited}.
 */
final class RelayedConnection implements RawConnection {
    private final Stream stream;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final RelayLimit limit;
    private final CountDownLatch closed = new CountDownLatch(1);

    RelayedConnection(Stream stream, Multiaddr local, Multiaddr remote, RelayLimit limit) {
        this.stream = stream;
        this.local = local;
        this.remote = remote;
        this.limit = limit;
    }

    RelayLimit limit() {
        return limit;
    }

    @Override
    public InputStream input() {
        return stream.input();
    }

    @Override
    public OutputStream output() {
        return stream.output();
    }

    @Override
    public void closeOutput() throws IOException {
        stream.closeOutput();
    }

    @Override
    public void close() {
        stream.reset();
        closed.countDown();
    }

    /** Waits until the connection is closed, at most {@code timeout} ({@link Duration#ZERO}: without bound). */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        if (timeout.isZero()) {
            closed.await();
            return true;
        }
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public boolean limited() {
        return true;
    }

    @Override
    public String toString() {
        return "relayed " + remote;
    }
}
