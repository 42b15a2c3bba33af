package org.jlibp2p.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.DialException;
import org.jlibp2p.core.swarm.LimitedConnectionException;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.testkit.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayTest {
    private static Multiaddr circuitTo(Reservation r, TestNode target) {
        return r.circuitAddresses().getFirst().withPeerId(target.peerId().multihash());
    }

    @Test
    void aPeerReachesAnotherThroughItsReservationAndTheConnectionIsLimited() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            TestNode a = n.node(1);
            TestNode b = n.node(2);
            Reservation r = n.reserve(2);
            assertEquals(n.relay().peerId(), r.relay());
            assertTrue(r.voucher().isPresent(), "the relay signs a voucher");
            assertEquals(b.peerId(), r.voucher().get().peer());
            assertEquals(RelayLimit.DEFAULT, r.limit());
            Multiaddr circuit = r.circuitAddresses().getFirst();
            assertTrue(circuit.component(Protocol.P2P_CIRCUIT).isPresent(), circuit.toString());
            n.net.require("B advertises its relayed address", () -> b.swarm().externalAddresses().contains(circuit));

            Connection c = a.swarm().dial(circuitTo(r, b));
            assertEquals(b.peerId(), c.remotePeer());
            assertTrue(c.limited(), "a relayed connection is limited");
            assertTrue(c.remoteAddress().component(Protocol.P2P_CIRCUIT).isPresent());
            byte[] data = new byte[20_000];
            new Random(7).nextBytes(data);
            assertArrayEquals(data, EchoBehaviour.exchange(c, data));
            // The relay carried the secured bytes: more than the payload each way (Noise and Yamux framing).
            assertTrue(n.service.bytesRelayed() > 2L * data.length, "relayed " + n.service.bytesRelayed());
            b.recorder().await(SwarmEvent.ConnectionEstablished.class,
                    e -> e.connection().remotePeer().equals(a.peerId()) && e.connection().limited());
            assertEquals(1, n.service.circuitCount());
        }
    }

    @Test
    void protocolsThatDoNotOptInGetNoStreamOnALimitedConnection() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            Reservation r = n.reserve(2);
            Connection c = n.node(1).swarm().dial(circuitTo(r, n.node(2)));
            assertThrows(LimitedConnectionException.class, () -> c.newStream("/ipfs/ping/1.0.0"));
            // Outbound allowed here, inbound not allowed there: B refuses the stream.
            n.node(1).swarm().allowOnLimitedConnections("/not-on-relays/1.0.0");
            assertThrows(IOException.class, () -> {
                try (Stream s = c.newStream("/not-on-relays/1.0.0")) {
                    s.input().read();
                }
            });
            assertTrue(c.isOpen(), "a refused stream costs only itself");
        }
    }

    @Test
    void aCircuitToAPeerWithoutReservationFailsNamingNoReservation() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            TestNode b = n.node(2);
            n.node(2).swarm().dial(n.relay().address());
            Multiaddr circuit = n.relay().address().encapsulate(RelayClient.CIRCUIT).withPeerId(b.peerId().multihash());
            DialException e = assertThrows(DialException.class, () -> n.node(1).swarm().dial(circuit));
            assertTrue(e.getMessage().contains("NO_RESERVATION"), e.getMessage());
            n.relay().recorder().awaitEmitted(RelayEvent.CircuitRefused.class,
                    x -> x.status() == RelayStatus.NO_RESERVATION);
        }
    }

    @Test
    void reservationsBeyondTheLimitAreRefusedAndASlotFreesWhenItsHolderLeaves() throws Exception {
        try (RelayNet n = new RelayNet(5, RelayConfig.defaults().withMaxReservations(2))) {
            n.reserve(1);
            n.reserve(2);
            RelayException e = assertThrows(RelayException.class, () -> n.reserve(3));
            assertEquals(RelayStatus.RESERVATION_REFUSED, e.status());
            assertTrue(e.getMessage().contains("RESERVATION_REFUSED"), e.getMessage());
            n.reserve(1); // a renewal keeps its slot
            assertEquals(2, n.service.reservations().size());
            n.node(2).swarm().disconnect(n.relay().peerId());
            n.net.require("the relay drops the reservation of a peer that left", () -> {
                try {
                    return n.service.reservations().size() == 1;
                } catch (InterruptedException x) {
                    throw new IllegalStateException(x);
                }
            });
            n.reserve(3);
            n.node(2).recorder().awaitEmitted(RelayEvent.ReservationLost.class, x -> true);
        }
    }

    @Test
    void circuitsBeyondTheLimitAreRefusedWithResourceLimitExceeded() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults().withMaxCircuits(2))) {
            Reservation r = n.reserve(2);
            RelayTransport t = new RelayTransport(n.client(1));
            Multiaddr circuit = circuitTo(r, n.node(2));
            var c1 = t.dial(circuit, Duration.ofSeconds(10));
            var c2 = t.dial(circuit, Duration.ofSeconds(10));
            RelayException e = assertThrows(RelayException.class, () -> t.dial(circuit, Duration.ofSeconds(10)));
            assertEquals(RelayStatus.RESOURCE_LIMIT_EXCEEDED, e.status());
            c1.close();
            n.net.require("a closed circuit frees its slot", () -> {
                try {
                    return n.service.circuitCount() == 1;
                } catch (InterruptedException x) {
                    throw new IllegalStateException(x);
                }
            });
            t.dial(circuit, Duration.ofSeconds(10)).close();
            c2.close();
        }
    }

    @Test
    void aRelayedConnectionIsClosedAtItsDataLimit() throws Exception {
        RelayConfig config = RelayConfig.defaults().withLimit(new RelayLimit(Duration.ofMinutes(2), 64 * 1024));
        try (RelayNet n = new RelayNet(3, config)) {
            Reservation r = n.reserve(2);
            assertEquals(64 * 1024, r.limit().data());
            Connection c = n.node(1).swarm().dial(circuitTo(r, n.node(2)));
            byte[] data = new byte[256 * 1024];
            assertThrows(IOException.class, () -> EchoBehaviour.exchange(c, data));
            var closed = n.relay().recorder().awaitEmitted(RelayEvent.CircuitClosed.class, x -> true);
            assertTrue(closed.limitReached());
            assertTrue(closed.srcToDst() <= 64 * 1024 && closed.dstToSrc() <= 64 * 1024, closed.toString());
            n.node(1).recorder().await(SwarmEvent.ConnectionClosed.class, x -> x.connection().id() == c.id());
            assertFalse(c.isOpen());
        }
    }

    @Test
    void aRelayedConnectionIsClosedAtItsTimeLimit() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            Reservation r = n.reserve(2);
            Connection c = n.node(1).swarm().dial(circuitTo(r, n.node(2)));
            assertArrayEquals(new byte[] {1, 2, 3}, EchoBehaviour.exchange(c, new byte[] {1, 2, 3}));
            n.net.advance(Duration.ofSeconds(119));
            assertTrue(c.isOpen(), "open before its 2 minutes");
            n.net.advance(Duration.ofSeconds(2));
            n.node(1).recorder().await(SwarmEvent.ConnectionClosed.class, x -> x.connection().id() == c.id());
            assertTrue(n.relay().recorder().awaitEmitted(RelayEvent.CircuitClosed.class, x -> true).limitReached());
        }
    }

    @Test
    void reservationsAreRenewedBeforeTheyExpire() throws Exception {
        try (RelayNet n = new RelayNet(2, RelayConfig.defaults().withReservationTtl(Duration.ofMinutes(10)))) {
            Reservation first = n.reserve(1);
            n.net.require("the reservation is advertised (and its renewal scheduled)",
                    () -> n.node(1).swarm().externalAddresses().containsAll(first.circuitAddresses()));
            // Renewal is due at three quarters of the 10 minutes; the clock stops just past it, so that the renewal's
            // own timeouts (10 s on the same clock) are not crossed before it runs.
            n.net.advance(Duration.ofSeconds(451));
            n.node(1).recorder().awaitEmitted(RelayEvent.Reserved.class,
                    x -> x.reservation().expire().isAfter(first.expire()));
            n.net.advance(Duration.ofMinutes(5));
            assertEquals(1, n.service.reservations().size(), "renewed, so still held past the first expiry");
        }
    }

    @Test
    void underLoadTheRelayHoldsItsLimitsAndReturnsToIdle() throws Exception {
        RelayConfig config = RelayConfig.defaults().withMaxReservations(4).withMaxCircuits(3);
        try (RelayNet n = new RelayNet(12, config)) {
            // 11 peers ask for 4 slots at once.
            List<Thread> askers = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            List<Reservation> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 1; i < 12; i++) {
                int node = i;
                askers.add(Thread.ofVirtual().start(() -> {
                    try {
                        held.add(n.reserve(node));
                        granted.incrementAndGet();
                    } catch (RelayException e) {
                        if (e.status() == RelayStatus.RESERVATION_REFUSED) {
                            refused.incrementAndGet();
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (Thread t : askers) {
                t.join(30_000);
            }
            assertEquals(4, granted.get());
            assertEquals(7, refused.get());
            n.net.require("reservation streams ended", () -> {
                try {
                    return n.relay().swarm().awaitEventsHandled(Duration.ofSeconds(5));
                } catch (InterruptedException x) {
                    throw new IllegalStateException(x);
                }
            });
            int baseline = n.relay().swarm().activeThreads();
            // Every peer without a reservation opens circuits to every peer with one, 3 at a time per peer at most.
            List<RawCircuit> open = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger overLimit = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> dialers = new java.util.ArrayList<>();
            for (int i = 1; i < 12; i++) {
                TestNode from = n.node(i);
                if (held.stream().anyMatch(r -> r.voucher().orElseThrow().peer().equals(from.peerId()))) {
                    continue;
                }
                RelayTransport t = new RelayTransport(n.client(i));
                for (Reservation r : held) {
                    Multiaddr to = r.circuitAddresses().getFirst().withPeerId(r.voucher().orElseThrow().peer()
                            .multihash());
                    dialers.add(Thread.ofVirtual().start(() -> {
                        for (int k = 0; k < 2; k++) {
                            try {
                                open.add(new RawCircuit(t.dial(to, Duration.ofSeconds(10))));
                            } catch (RelayException e) {
                                if (e.status() == RelayStatus.RESOURCE_LIMIT_EXCEEDED) {
                                    overLimit.incrementAndGet();
                                }
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }));
                }
            }
            for (Thread t : dialers) {
                t.join(30_000);
            }
            // 4 destinations with 3 circuits each at most: 12 open, the other 7 * 4 * 2 - 12 refused.
            assertEquals(12, open.size());
            assertEquals(7 * 4 * 2 - 12, overLimit.get());
            assertEquals(12, n.service.circuitCount());
            open.forEach(RawCircuit::close);
            n.net.require("every circuit closed at the relay", () -> {
                try {
                    return n.service.circuitCount() == 0;
                } catch (InterruptedException x) {
                    throw new IllegalStateException(x);
                }
            });
            n.net.require("the relay's circuit threads ended",
                    () -> n.relay().swarm().activeThreads() <= baseline);
            System.out.println("relay under load: 4/11 reservations, 12 circuits open, " + overLimit.get()
                    + " refused; threads " + baseline + " before, " + n.relay().swarm().activeThreads() + " after");
        }
    }

    private record RawCircuit(org.jlibp2p.core.transport.RawConnection raw) {
        void close() {
            try {
                raw.close();
            } catch (IOException e) {
                // closed
            }
        }
    }
}
