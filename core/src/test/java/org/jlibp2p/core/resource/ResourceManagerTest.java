package org.jlibp2p.core.resource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ResourceLimits.Kind;
import org.jlibp2p.core.resource.ResourceLimits.PrefixLimit;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.LimitExceededException;
import org.jlibp2p.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResourceManagerTest {
    private static final Direction IN = Direction.INBOUND;
    private static final Direction OUT = Direction.OUTBOUND;
    private final ManualScheduler clock = new ManualScheduler();

    private static Multiaddr tcp(String ip) {
        try {
            return Multiaddr.parse((ip.contains(":") ? "/ip6/" : "/ip4/") + ip + "/tcp/4001");
        } catch (org.jlibp2p.core.multiaddr.MultiaddrException e) {
            throw new AssertionError(e);
        }
    }

    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    private ResourceManager manager(ResourceLimits limits) {
        return new ResourceManager(limits, clock);
    }

    private static ResourceLimits roomy() {
        return ResourceLimits.scaled(1L << 30, 20_000);
    }

    private static void assertEmpty(ResourceManager rm) {
        ResourceManager.Usage u = rm.usage();
        ResourceManager.ScopeUsage zero = new ResourceManager.ScopeUsage(0, 0, 0, 0, 0, 0);
        assertEquals(zero, u.system(), "system");
        assertEquals(zero, u.pending(), "pending");
        assertTrue(u.peers().isEmpty(), () -> "peers: " + u.peers());
        assertTrue(u.protocols().isEmpty(), () -> "protocols: " + u.protocols());
        assertTrue(u.services().isEmpty(), () -> "services: " + u.services());
    }

    @Test
    void aConnectionIsPendingUntilItsPeerIsKnownThenCountsForThePeerAndGivesEverythingBack() throws Exception {
        ResourceManager rm = manager(roomy());
        ConnectionScope c = rm.openConnection(IN, tcp("203.0.113.7"), true);
        assertEquals(1, rm.usage().pending().connectionsInbound());
        assertEquals(1, rm.usage().system().fileDescriptors());
        PeerId p = peer();
        c.setPeer(p);
        assertEquals(0, rm.usage().pending().connectionsInbound());
        assertEquals(1, rm.usage().system().connectionsInbound());
        assertEquals(1, rm.peerUsage(p).orElseThrow().connectionsInbound());
        StreamScope s = c.openStream(IN);
        assertEquals(1, rm.usage().pending().streamsInbound(), "a stream is pending until its protocol is known");
        s.setProtocol("/echo/1.0.0", "echo");
        assertEquals(0, rm.usage().pending().streamsInbound());
        assertEquals(1, rm.usage().protocols().get("/echo/1.0.0").streamsInbound());
        assertEquals(1, rm.usage().services().get("echo").streamsInbound());
        s.reserveMemory(4096);
        assertEquals(4096, rm.usage().system().memory());
        assertEquals(4096, rm.peerUsage(p).orElseThrow().memory());
        c.close(); // the open stream and its memory go with the connection
        c.close();
        s.close();
        assertEmpty(rm);
    }

    @Test
    void inboundConnectionsFromOneAddressAreCappedBeforeTheHandshakeAndOthersStillGetIn() throws Exception {
        ResourceManager rm = manager(roomy().withAllowlist(List.of()));
        List<ConnectionScope> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(rm.openConnection(IN, tcp("198.51.100.9"), true));
        }
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> rm.openConnection(IN, tcp("198.51.100.9"), true));
        assertEquals("ip /32 connections", e.reason());
        assertTrue(e.getMessage().contains("198.51.100.9"), e.getMessage());
        assertDoesNotThrow(() -> rm.openConnection(IN, tcp("198.51.100.10"), true).close());
        // established connections from that address still count: many peer ids from one IP get no further
        held.getFirst().setPeer(peer());
        assertThrows(LimitExceededException.class, () -> rm.openConnection(IN, tcp("198.51.100.9"), true));
        // the node dials out to that address as much as it likes
        assertDoesNotThrow(() -> rm.openConnection(OUT, tcp("198.51.100.9"), true).close());
        held.removeFirst().close();
        assertDoesNotThrow(() -> held.add(rm.openConnection(IN, tcp("198.51.100.9"), true)));
        held.forEach(ConnectionScope::close);
        assertEmpty(rm);
        assertEquals(2, rm.refusals().count("ip /32 connections"));
    }

    @Test
    void subnetCapsCountEveryAddressOfTheSubnet() throws Exception {
        ResourceManager rm = manager(roomy().withAllowlist(List.of())
                .withIpLimits(List.of(new PrefixLimit(32, 8), new PrefixLimit(24, 3)),
                        List.of(new PrefixLimit(64, 2), new PrefixLimit(48, 3))));
        for (int i = 1; i <= 3; i++) {
            rm.openConnection(IN, tcp("192.0.2." + i), true);
        }
        assertEquals("ip /24 connections", assertThrows(LimitExceededException.class,
                () -> rm.openConnection(IN, tcp("192.0.2.200"), true)).reason());
        assertDoesNotThrow(() -> rm.openConnection(IN, tcp("192.0.3.1"), true));
        rm.openConnection(IN, tcp("2001:db8:1:1::1"), true);
        rm.openConnection(IN, tcp("2001:db8:1:1::2"), true);
        assertEquals("ip /64 connections", assertThrows(LimitExceededException.class,
                () -> rm.openConnection(IN, tcp("2001:db8:1:1::3"), true)).reason());
        rm.openConnection(IN, tcp("2001:db8:1:2::1"), true);
        assertEquals("ip /48 connections", assertThrows(LimitExceededException.class,
                () -> rm.openConnection(IN, tcp("2001:db8:1:3::1"), true)).reason());
    }

    @Test
    void allowlistedSubnetsAreNotCappedByAddress() throws Exception {
        ResourceManager rm = manager(roomy()); // loopback is allowlisted by default
        for (int i = 0; i < 30; i++) {
            rm.openConnection(IN, tcp("127.0.0.1"), true);
        }
        for (int i = 0; i < 8; i++) {
            rm.openConnection(IN, tcp("::1"), true);
        }
        assertEquals(30 + 8, rm.usage().pending().connectionsInbound());
    }

    @Test
    void aFullInboundShareLeavesOutboundConnectionsPossible() throws Exception {
        ResourceManager rm = manager(ResourceLimits.unlimited()
                .with(Kind.SYSTEM, l -> l.withConnections(3, 2, 5)));
        for (int i = 0; i < 3; i++) {
            rm.openConnection(IN, tcp("203.0.113." + i), true);
        }
        assertEquals("system inbound connections", assertThrows(LimitExceededException.class,
                () -> rm.openConnection(IN, tcp("203.0.113.99"), true)).reason());
        rm.openConnection(OUT, tcp("203.0.113.50"), true);
        rm.openConnection(OUT, tcp("203.0.113.51"), true);
        assertEquals("system outbound connections", assertThrows(LimitExceededException.class,
                () -> rm.openConnection(OUT, tcp("203.0.113.52"), true)).reason());
    }

    @Test
    void pendingConnectionsHaveTheirOwnSmallerShare() throws Exception {
        ResourceManager rm = manager(ResourceLimits.unlimited().with(Kind.PENDING, l -> l.withConnections(2)));
        ConnectionScope a = rm.openConnection(IN, tcp("203.0.113.1"), true);
        rm.openConnection(IN, tcp("203.0.113.2"), true);
        assertEquals("pending inbound connections", assertThrows(LimitExceededException.class,
                () -> rm.openConnection(IN, tcp("203.0.113.3"), true)).reason());
        a.setPeer(peer()); // done with its handshake: no longer pending
        assertDoesNotThrow(() -> rm.openConnection(IN, tcp("203.0.113.3"), true));
    }

    @Test
    void connectionsPerPeerAreCappedWhenThePeerIsKnown() throws Exception {
        ResourceManager rm = manager(ResourceLimits.unlimited().with(Kind.PEER, l -> l.withConnections(2)));
        PeerId p = peer();
        rm.openConnection(IN, tcp("203.0.113.1"), true).setPeer(p);
        rm.openConnection(OUT, tcp("203.0.113.1"), true).setPeer(p);
        ConnectionScope third = rm.openConnection(IN, tcp("203.0.113.1"), true);
        assertEquals("peer connections", assertThrows(LimitExceededException.class, () -> third.setPeer(p)).reason());
        third.close();
        assertEquals(2, rm.usage().system().connectionsInbound() + rm.usage().system().connectionsOutbound());
        assertEquals(0, rm.usage().pending().connectionsInbound());
    }

    @Test
    void streamLimitsOfConnectionPeerProtocolAndServiceEachHold() throws Exception {
        ResourceManager rm = manager(ResourceLimits.unlimited()
                .with(Kind.CONNECTION, l -> l.withStreams(3, 100, 100))
                .with(Kind.PEER, l -> l.withStreams(5, 100, 100))
                .with(Kind.PROTOCOL, l -> l.withStreams(2, 100, 100))
                .with(Kind.SERVICE, l -> l.withStreams(3, 100, 100)));
        PeerId p = peer();
        ConnectionScope c1 = rm.openConnection(IN, tcp("203.0.113.1"), true);
        c1.setPeer(p);
        ConnectionScope c2 = rm.openConnection(IN, tcp("203.0.113.1"), true);
        c2.setPeer(p);
        for (int i = 0; i < 3; i++) {
            c1.openStream(IN);
        }
        assertEquals("connection inbound streams",
                assertThrows(LimitExceededException.class, () -> c1.openStream(IN)).reason());
        c2.openStream(IN);
        c2.openStream(IN);
        assertEquals("peer inbound streams",
                assertThrows(LimitExceededException.class, () -> c2.openStream(IN)).reason());
        c1.close();
        c2.close();
        ConnectionScope c3 = rm.openConnection(IN, tcp("203.0.113.1"), true);
        c3.setPeer(p);
        StreamScope a = c3.openStream(IN);
        StreamScope b = c3.openStream(IN);
        StreamScope d = c3.openStream(IN);
        a.setProtocol("/x/1", "svc");
        b.setProtocol("/x/1", "svc");
        assertEquals("protocol inbound streams",
                assertThrows(LimitExceededException.class, () -> d.setProtocol("/x/1", "svc")).reason());
        d.setProtocol("/y/1", "svc");
        assertEquals(3, rm.usage().services().get("svc").streamsInbound());
        StreamScope e = c3.openStream(OUT); // outbound streams have their own share
        assertDoesNotThrow(() -> e.setProtocol("/z/1", "svc"));
        c3.close();
        assertEmpty(rm);
    }

    @Test
    void memoryIsReservedAllOrNothingUpTheTreeAndGivenBack() throws Exception {
        ResourceManager rm = manager(ResourceLimits.unlimited()
                .with(Kind.CONNECTION, l -> l.withMemory(100))
                .with(Kind.PEER, l -> l.withMemory(150))
                .with(Kind.SYSTEM, l -> l.withMemory(1000)));
        PeerId p = peer();
        ConnectionScope c1 = rm.openConnection(IN, tcp("203.0.113.1"), true);
        c1.setPeer(p);
        ConnectionScope c2 = rm.openConnection(IN, tcp("203.0.113.1"), true);
        c2.setPeer(p);
        StreamScope s1 = c1.openStream(IN);
        s1.reserveMemory(80);
        assertEquals("connection memory",
                assertThrows(LimitExceededException.class, () -> s1.reserveMemory(21)).reason());
        StreamScope s2 = c2.openStream(IN);
        assertEquals("peer memory", assertThrows(LimitExceededException.class, () -> s2.reserveMemory(71)).reason());
        assertEquals(80, rm.usage().system().memory(), "a refused reservation holds nothing");
        s2.reserveMemory(70);
        s1.releaseMemory(30);
        assertEquals(50, s1.memory());
        s1.releaseMemory(1000); // never below zero
        assertEquals(0, s1.memory());
        s2.close();
        assertEquals(0, rm.usage().system().memory());
        ConnectionScope other = rm.openConnection(IN, tcp("203.0.113.2"), true);
        other.setPeer(peer());
        assertDoesNotThrow(() -> other.openStream(IN).reserveMemory(100));
        c1.close();
        c2.close();
        other.close();
        assertEmpty(rm);
    }

    @Test
    void refusalsAreCountedPerReasonAndLoggedAtMostOncePerIntervalPerReason() throws Exception {
        Logger jul = Logger.getLogger("org.jlibp2p.refusals");
        List<String> lines = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (lines) {
                    lines.add(r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try {
            ResourceManager rm = manager(ResourceLimits.unlimited().with(Kind.SYSTEM, l -> l.withConnections(0)));
            for (int i = 0; i < 50; i++) {
                assertThrows(LimitExceededException.class, () -> rm.openConnection(IN, tcp("203.0.113.1"), true));
            }
            assertThrows(LimitExceededException.class, () -> rm.openConnection(OUT, tcp("203.0.113.1"), true));
            assertEquals(50, rm.refusals().count("system inbound connections"));
            assertEquals(1, rm.refusals().count("system outbound connections"));
            synchronized (lines) {
                assertEquals(2, lines.size(), lines::toString);
                assertTrue(lines.getFirst().contains("203.0.113.1"), lines.getFirst());
            }
            clock.advance(java.time.Duration.ofSeconds(11));
            assertThrows(LimitExceededException.class, () -> rm.openConnection(IN, tcp("203.0.113.1"), true));
            synchronized (lines) {
                assertEquals(3, lines.size(), lines::toString);
                assertTrue(lines.get(2).contains("49 more of this kind"), lines.get(2));
            }
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    void defaultsScaleWithTheHeapAndKeepDescriptorsForFiles() {
        ResourceLimits small = ResourceLimits.scaled(256L << 20, 1024);
        ResourceLimits big = ResourceLimits.scaled(8L << 30, 1 << 20);
        assertTrue(small.system().connectionsInbound() < big.system().connectionsInbound());
        assertTrue(small.system().connectionsInbound() < small.system().connections());
        assertEquals(512, small.system().fileDescriptors());
        assertEquals(32L << 20, small.system().memory());
        assertTrue(small.pending().connectionsInbound() < small.system().connectionsInbound());
        assertThrows(IllegalArgumentException.class, () -> small.withAllowlist(List.of("not-a-subnet")));
    }
}
