package org.jlibp2p.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.LimitedConnectionException;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.core.transport.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Swarm.upgrade of raw connections made outside the swarm, and what a limited connection allows. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitedConnectionTest {
    /** A raw connection that says it is limited, as a relayed one does. */
    private record Limited(RawConnection raw) implements RawConnection {
        @Override
        public InputStream input() {
            return raw.input();
        }

        @Override
        public OutputStream output() {
            return raw.output();
        }

        @Override
        public void closeOutput() throws IOException {
            raw.closeOutput();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }

        @Override
        public Multiaddr localAddress() {
            return raw.localAddress();
        }

        @Override
        public Multiaddr remoteAddress() {
            return raw.remoteAddress();
        }

        @Override
        public boolean limited() {
            return true;
        }
    }

    /** A pair of connected raw connections outside any swarm. */
    private static RawConnection[] pipe() throws IOException {
        MemoryTransport t = new MemoryTransport(new MemoryTransport.Network());
        try (Listener l = t.listen(Multiaddr.parse("/memory/0"))) {
            RawConnection a = t.dial(l.address(), Duration.ofSeconds(5));
            return new RawConnection[] {a, l.accept()};
        }
    }

    @Test
    void anUpgradedLimitedConnectionCarriesOnlyProtocolsAllowedOnIt() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(2).build()) {
            var a = net.node(0).swarm();
            var b = net.node(1).swarm();
            b.setStreamHandler("/allowed/1.0.0", s -> s.output().write(s.input().readNBytes(5)));
            b.setStreamHandler("/other/1.0.0", s -> s.output().write(1));
            a.allowOnLimitedConnections("/allowed/1.0.0");
            b.allowOnLimitedConnections("/allowed/1.0.0");
            RawConnection[] p = pipe();
            var inbound = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.upgrade(new Limited(p[1]), Direction.INBOUND, a.localPeer());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Connection c = a.upgrade(new Limited(p[0]), Direction.OUTBOUND, b.localPeer());
            Connection cb = inbound.get(20, TimeUnit.SECONDS);
            assertTrue(c.limited() && cb.limited());
            assertEquals(Direction.OUTBOUND, c.direction());
            assertEquals(Direction.INBOUND, cb.direction());
            try (Stream s = c.newStream("/allowed/1.0.0")) {
                s.output().write("hello".getBytes());
                s.closeOutput();
                assertEquals("hello", new String(s.input().readAllBytes()));
            }
            assertThrows(LimitedConnectionException.class, () -> c.newStream("/other/1.0.0"));
            // Allowed here but not there: the remote refuses it.
            a.allowOnLimitedConnections("/other/1.0.0");
            assertThrows(IOException.class, () -> {
                try (Stream s = c.newStream("/other/1.0.0")) {
                    if (s.input().read() < 0) {
                        throw new IOException("refused");
                    }
                }
            });
            // A direct connection, once there, is preferred for new streams.
            assertEquals(c, a.connection(b.localPeer()).orElseThrow());
            RawConnection[] q = pipe();
            var inboundDirect = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.upgrade(q[1], Direction.INBOUND, a.localPeer());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Connection direct = a.upgrade(q[0], Direction.OUTBOUND, b.localPeer());
            inboundDirect.get(20, TimeUnit.SECONDS);
            assertFalse(direct.limited());
            assertEquals(direct.id(), a.connection(b.localPeer()).orElseThrow().id());
            try (Stream s = a.newStream(b.localPeer(), java.util.List.of("/other/1.0.0"))) {
                assertEquals(1, s.input().read(), "a protocol not allowed on relays runs on the direct connection");
            }
        }
    }

    @Test
    void anUpgradeMeetingAnotherPeerThanExpectedFails() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(3).build()) {
            var a = net.node(0).swarm();
            var b = net.node(1).swarm();
            RawConnection[] p = pipe();
            var inbound = CompletableFuture.runAsync(() -> {
                try {
                    b.upgrade(p[1], Direction.INBOUND, net.node(2).peerId());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try {
                a.upgrade(p[0], Direction.OUTBOUND, b.localPeer()); // may finish before b checks who it met
            } catch (IOException expected) {
                // or fail when b closes
            }
            var e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> inbound.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause().getCause() instanceof PeerIdMismatchException, e.toString());
            assertTrue(b.connections().isEmpty(), "b registered nothing: " + b.connections());
        }
    }
}
