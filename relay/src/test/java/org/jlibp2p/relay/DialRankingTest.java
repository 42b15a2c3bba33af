package org.jlibp2p.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.testkit.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer with direct and relayed addresses is dialled directly first; its relays only after the delay. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DialRankingTest {
    private static final Duration DELAY = SwarmConfig.DEFAULT_RELAY_DIAL_DELAY;
    private static final Duration LONG_DELAY = Duration.ofSeconds(20);

    private static Multiaddr circuitTo(Reservation r, TestNode target) {
        return r.circuitAddresses().getFirst().withPeerId(target.peerId().multihash());
    }

    @Test
    void aPeerReachableDirectlyIsConnectedDirectlyAndTheRelaySeesNoCircuit() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            TestNode a = n.node(1);
            TestNode b = n.node(2);
            Reservation r = n.reserve(2);
            // The relayed address first: the order known must not matter.
            a.swarm().peerstore().addAddresses(b.peerId(), List.of(circuitTo(r, b), b.address()));
            Connection c = a.swarm().dial(b.peerId());
            assertFalse(c.limited(), "connected through " + c.remoteAddress());
            assertEquals(b.address().withoutPeerId(), c.remoteAddress());
            assertTrue(a.swarm().connections().stream().noneMatch(Connection::limited), "no relayed connection");
            // The relay attempt starts, if at all, before dial returns: had it started, A would have dialled the relay.
            assertFalse(a.swarm().isConnected(n.relay().peerId()), "A never dialled the relay");
            assertEquals(0, n.service.circuitCount());
            assertTrue(n.relay().recorder().emitted(RelayEvent.CircuitOpened.class).isEmpty());
        }
    }

    @Test
    void aPeerWhoseDirectAddressNeverAnswersIsReachedThroughTheRelayAfterTheDelay() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults());
                ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            TestNode a = n.node(1);
            TestNode b = n.node(2);
            Reservation r = n.reserve(2);
            // TCP connects (the kernel's backlog) but no handshake ever answers: only the delay lets the relay in.
            Multiaddr blackhole = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
            a.swarm().peerstore().addAddresses(b.peerId(), List.of(blackhole, circuitTo(r, b)));
            long t0 = System.nanoTime();
            Connection c = a.swarm().dial(b.peerId());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(c.limited(), "connected through " + c.remoteAddress());
            assertTrue(took.compareTo(DELAY) >= 0, "the relay waited for the delay, took " + took);
            assertTrue(took.compareTo(DELAY.plusSeconds(5)) < 0, "connected within delay + 5 s, took " + took);
            assertEquals(1, n.service.circuitCount());
            assertArrayEquals(new byte[] {4, 5, 6}, EchoBehaviour.exchange(c, new byte[] {4, 5, 6}));
            System.out.println("relayed connection after a silent direct address: " + took.toMillis() + " ms");
        }
    }

    @Test
    void aPeerWhoseDirectAddressesAllFailIsDialledThroughTheRelayWithoutWaiting() throws Exception {
        // A delay no dial here comes near: only a failed direct address lets the relay in before it.
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults(), false, LONG_DELAY)) {
            TestNode a = n.node(1);
            TestNode b = n.node(2);
            Reservation r = n.reserve(2);
            a.swarm().peerstore().addAddresses(b.peerId(), List.of(Multiaddr.parse("/memory/999999"),
                    circuitTo(r, b)));
            long t0 = System.nanoTime();
            Connection c = a.swarm().dial(b.peerId());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(c.limited());
            assertTrue(took.compareTo(LONG_DELAY) < 0, "took " + took);
            assertEquals(1, n.service.circuitCount());
        }
    }

    @Test
    void aPeerWithRelayedAddressesOnlyIsDialledThroughTheRelayAtOnce() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults(), false, LONG_DELAY)) {
            TestNode a = n.node(1);
            TestNode b = n.node(2);
            Reservation r = n.reserve(2);
            long t0 = System.nanoTime();
            Connection c = a.swarm().dial(circuitTo(r, b));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(c.limited());
            assertTrue(took.compareTo(LONG_DELAY) < 0, "took " + took);
            System.out.println("relayed connection, relay addresses only: " + took.toMillis() + " ms");
        }
    }

    @Test
    void aNewStreamToAPeerWithADirectAndARelayedConnectionTakesTheDirectOne() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            TestNode a = n.node(1);
            TestNode b = n.node(2);
            Reservation r = n.reserve(2);
            Connection relayed = a.swarm().dial(circuitTo(r, b));
            assertTrue(relayed.limited());
            // B dials A's own address: A now holds both.
            Connection back = b.swarm().dial(a.address());
            assertFalse(back.limited());
            n.net.require("A sees both connections to B", () -> a.swarm().connections().stream()
                    .filter(c -> c.remotePeer().equals(b.peerId())).count() == 2);
            for (int i = 0; i < 3; i++) {
                try (Stream s = a.swarm().newStream(b.peerId(), List.of(EchoBehaviour.PROTOCOL_ID))) {
                    assertFalse(s.connection().limited(), "stream " + i + " ran on " + s.connection());
                }
            }
            assertTrue(relayed.isOpen());
        }
    }
}
