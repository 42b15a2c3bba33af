package org.jlibp2p.core.connmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.CloseCause;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.testkit.FakeBehaviourContext;
import org.jlibp2p.testkit.FakeConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection manager driven through a fake context on a manual clock: the test's thread plays the manager's
 * thread and delivers the connection events itself.
 */
@Timeout(30)
class ConnManagerTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final FakeBehaviourContext context = new FakeBehaviourContext(Keys.generateEd25519().privateKey(), clock);

    private ConnManager manager(int low, int high, Duration grace) {
        ConnManager m = new ConnManager(new ConnManagerConfig(low, high, grace, Duration.ofSeconds(10)));
        m.start(context);
        return m;
    }

    /** A new connection to a new peer, told to the manager. */
    private FakeConnection connect(ConnManager m, Direction direction) throws IOException {
        return connect(m, Keys.generateEd25519(), direction);
    }

    private FakeConnection connect(ConnManager m, KeyPair peer, Direction direction) throws IOException {
        FakeConnection c = new FakeConnection(direction, context.localPeer(), peer.publicKey(),
                Multiaddr.parse("/memory/1"), Multiaddr.parse("/memory/2"), clock.now());
        context.addConnection(c);
        m.onEvent(new SwarmEvent.ConnectionEstablished(c));
        return c;
    }

    private List<FakeConnection> connectMany(ConnManager m, int n) throws IOException {
        List<FakeConnection> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(connect(m, Direction.INBOUND));
        }
        return out;
    }

    /** Tells the manager that the connections it closed are gone, as the swarm would. */
    private static void deliverCloses(ConnManager m, List<FakeConnection> conns) {
        for (FakeConnection c : conns) {
            if (!c.isOpen()) {
                m.onEvent(new SwarmEvent.ConnectionClosed(c, c.closeCause().orElseThrow()));
            }
        }
    }

    private static Set<PeerId> trimmedPeers(List<FakeConnection> conns) {
        conns.stream().filter(c -> !c.isOpen())
                .forEach(c -> assertInstanceOf(CloseCause.Trimmed.class, c.closeCause().orElseThrow()));
        return conns.stream().filter(c -> !c.isOpen()).map(FakeConnection::remotePeer).collect(Collectors.toSet());
    }

    private static long open(List<FakeConnection> conns) {
        return conns.stream().filter(FakeConnection::isOpen).count();
    }

    @Test
    void aConnectionAboveTheHighWaterMarkTrimsToTheLowWaterMark() throws Exception {
        ConnManager m = manager(3, 5, Duration.ZERO);
        List<FakeConnection> conns = connectMany(m, 5);
        assertEquals(5, open(conns), "at the high water mark nothing is trimmed");
        conns.add(connect(m, Direction.INBOUND));
        assertEquals(3, open(conns), "one above the high water mark: trimmed down to the low water mark");
        assertEquals(3, trimmedPeers(conns).size());
        assertEquals(3, m.connectionCount(), "connections being closed are not counted");
        deliverCloses(m, conns);
        assertEquals(3, m.connectionCount());
    }

    @Test
    void lowerWeightsGoFirst() throws Exception {
        ConnManager m = manager(2, 4, Duration.ZERO);
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            keys.add(Keys.generateEd25519());
        }
        int[] weights = {50, -10, 20, 5, 30};
        for (int i = 0; i < 5; i++) {
            m.tagPeer(PeerId.fromPublicKey(keys.get(i).publicKey()), "app", weights[i]);
        }
        List<FakeConnection> conns = new ArrayList<>();
        for (KeyPair k : keys) {
            conns.add(connect(m, k, Direction.INBOUND));
        }
        // 5 > 4: down to 2, keeping the two heaviest (50 and 30)
        assertEquals(Set.of(conns.get(1).remotePeer(), conns.get(2).remotePeer(), conns.get(3).remotePeer()),
                trimmedPeers(conns));
    }

    @Test
    void theWeightsOfSeveralTagsAddUp() throws Exception {
        ConnManager m = manager(1, 10, Duration.ZERO);
        FakeConnection a = connect(m, Direction.INBOUND);
        FakeConnection b = connect(m, Direction.INBOUND);
        m.tagPeer(a.remotePeer(), "x", 6);
        m.tagPeer(b.remotePeer(), "x", 4);
        m.tagPeer(b.remotePeer(), "y", 4);
        m.upsertTag(b.remotePeer(), "y", w -> w + 1);
        m.upsertTag(a.remotePeer(), "new", w -> w - 1); // starts from 0
        PeerTagInfo info = m.peerInfo(b.remotePeer()).orElseThrow();
        assertEquals(Map.of("x", 4, "y", 5), info.tags());
        assertEquals(9, info.value());
        assertEquals(5, m.peerInfo(a.remotePeer()).orElseThrow().value());
        assertEquals(1, m.trim());
        assertFalse(a.isOpen(), "5 is less than 9");
        assertTrue(b.isOpen());
    }

    @Test
    void protectedPeersAreNeverTrimmedAndCountOnTopOfTheLowWaterMark() throws Exception {
        ConnManager m = manager(2, 4, Duration.ZERO);
        FakeConnection guarded = connect(m, Direction.INBOUND);
        m.protect(guarded.remotePeer(), "relay");
        m.protect(guarded.remotePeer(), "bootstrap");
        m.tagPeer(guarded.remotePeer(), "app", -100); // the least valuable, but protected
        List<FakeConnection> others = connectMany(m, 4);
        assertTrue(guarded.isOpen());
        assertEquals(2, open(others), "two trimmable connections are left beside the protected one");
        assertTrue(m.isProtected(guarded.remotePeer(), "relay"));
        assertTrue(m.isProtected(guarded.remotePeer(), ""), "protected under some tag");
        assertFalse(m.isProtected(guarded.remotePeer(), "other"));
        assertFalse(m.isProtected(others.getFirst().remotePeer(), null));
    }

    @Test
    void unprotectUnderOneTagKeepsTheOthersAndUnprotectingAllExposesThePeer() throws Exception {
        ConnManager m = manager(1, 10, Duration.ZERO);
        FakeConnection p = connect(m, Direction.INBOUND);
        FakeConnection q = connect(m, Direction.INBOUND);
        m.tagPeer(q.remotePeer(), "app", 10);
        m.protect(p.remotePeer(), "a");
        m.protect(p.remotePeer(), "b");
        m.unprotect(p.remotePeer(), "a");
        assertTrue(m.isProtected(p.remotePeer(), null), "still protected under b");
        assertEquals(Set.of("b"), m.peerInfo(p.remotePeer()).orElseThrow().protectedBy());
        assertEquals(0, m.trim(), "only q is trimmable, and one connection is the low water mark");
        m.unprotect(p.remotePeer(), "b");
        assertFalse(m.isProtected(p.remotePeer(), null));
        assertEquals(1, m.trim());
        assertFalse(p.isOpen());
        assertTrue(q.isOpen());
    }

    @Test
    void untaggingLowersTheValue() throws Exception {
        ConnManager m = manager(1, 10, Duration.ZERO);
        FakeConnection p = connect(m, Direction.INBOUND);
        FakeConnection q = connect(m, Direction.INBOUND);
        m.tagPeer(p.remotePeer(), "a", 10);
        m.tagPeer(p.remotePeer(), "b", 1);
        m.tagPeer(q.remotePeer(), "a", 5);
        m.untagPeer(p.remotePeer(), "a");
        m.untagPeer(p.remotePeer(), "never-set");
        assertEquals(Map.of("b", 1), m.peerInfo(p.remotePeer()).orElseThrow().tags());
        assertEquals(1, m.trim());
        assertFalse(p.isOpen(), "1 is less than 5 once the 10 is gone");
    }

    @Test
    void peersInTheirGracePeriodAreNotTrimmedUntilItEnds() throws Exception {
        ConnManager m = manager(2, 4, Duration.ofMinutes(1));
        List<FakeConnection> conns = connectMany(m, 6);
        assertEquals(6, open(conns), "every peer is in its grace period");
        assertEquals(0, m.trim(), "on demand neither");
        clock.advance(Duration.ofSeconds(59));
        assertEquals(6, open(conns), "the periodic checks found every peer still in its grace period");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2, open(conns), "the check at one minute trims");
        assertEquals(4, trimmedPeers(conns).size());
        assertEquals(0, clock.pendingTasks(), "below the high water mark no check stays scheduled");
    }

    @Test
    void peersStillInTheirGracePeriodAreKeptOnTopOfTheLowWaterMark() throws Exception {
        ConnManager m = manager(2, 4, Duration.ofMinutes(1));
        List<FakeConnection> old = connectMany(m, 4);
        clock.advance(Duration.ofMinutes(2));
        List<FakeConnection> young = connectMany(m, 3);
        assertEquals(3, open(young), "new peers are in their grace period");
        assertEquals(2, open(old), "the trim leaves the low water mark of the trimmable ones");
    }

    @Test
    void automaticTrimsWaitForTheSilencePeriodButTrimOnDemandDoesNot() throws Exception {
        ConnManager m = manager(2, 4, Duration.ZERO);
        List<FakeConnection> conns = connectMany(m, 5);
        assertEquals(2, open(conns));
        deliverCloses(m, conns);
        clock.advance(Duration.ofSeconds(3));
        List<FakeConnection> more = connectMany(m, 3); // 5 again, 3 s after the trim
        assertEquals(3, open(more), "within the silence period");
        clock.advance(Duration.ofSeconds(6));
        assertEquals(3, open(more), "9 s after the last trim");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2, open(conns) + open(more), "10 s after the last trim");
        deliverCloses(m, more);
        deliverCloses(m, conns);
        List<FakeConnection> third = connectMany(m, 2); // 4: at the high water mark
        assertEquals(2, open(third));
        assertEquals(2, m.trim(), "on demand, within the silence period and below the high water mark");
        assertEquals(2, m.connectionCount());
    }

    @Test
    void aTrimNeverGoesBelowTheLowWaterMark() throws Exception {
        ConnManager m = manager(3, 10, Duration.ZERO);
        List<FakeConnection> conns = connectMany(m, 3);
        assertEquals(0, m.trim());
        assertEquals(3, open(conns));
        // one peer with three connections: only as many of them as needed are closed
        KeyPair multi = Keys.generateEd25519();
        List<FakeConnection> dup = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dup.add(connect(m, multi, Direction.INBOUND));
        }
        m.tagPeer(dup.getFirst().remotePeer(), "low", -1);
        assertEquals(3, m.trim());
        assertEquals(0, open(dup));
        assertEquals(3, open(conns));
        deliverCloses(m, dup);
        FakeConnection extra = connect(m, multi, Direction.INBOUND);
        FakeConnection extra2 = connect(m, multi, Direction.INBOUND);
        m.tagPeer(extra.remotePeer(), "low", -1);
        assertEquals(2, m.trim());
        assertFalse(extra.isOpen());
        assertFalse(extra2.isOpen());
        assertEquals(3, m.connectionCount());
    }

    @Test
    void tiesGoToIdlePeersThenInboundOnesThenTheNewest() throws Exception {
        for (int low = 3; low >= 0; low--) {
            ConnManagerTest run = new ConnManagerTest();
            ConnManager m = run.manager(low, 10, Duration.ZERO);
            FakeConnection busyInbound = run.connect(m, Direction.INBOUND);
            busyInbound.setStreamCount(2);
            FakeConnection idleOutbound = run.connect(m, Direction.OUTBOUND);
            run.clock.advance(Duration.ofSeconds(1));
            FakeConnection idleInboundOld = run.connect(m, Direction.INBOUND);
            run.clock.advance(Duration.ofSeconds(1));
            FakeConnection idleInboundNew = run.connect(m, Direction.INBOUND);
            List<FakeConnection> order = List.of(idleInboundNew, idleInboundOld, idleOutbound, busyInbound);
            assertEquals(4 - low, m.trim());
            for (int i = 0; i < 4; i++) {
                assertEquals(i >= 4 - low, order.get(i).isOpen(), "low water " + low + ", connection " + i);
            }
        }
    }

    @Test
    void tagsOfAPeerGoWithItsLastConnection() throws Exception {
        ConnManager m = manager(1, 10, Duration.ZERO);
        KeyPair k = Keys.generateEd25519();
        FakeConnection a = connect(m, k, Direction.INBOUND);
        FakeConnection b = connect(m, k, Direction.OUTBOUND);
        m.tagPeer(a.remotePeer(), "app", 7);
        a.close();
        m.onEvent(new SwarmEvent.ConnectionClosed(a, new CloseCause.Local()));
        assertEquals(7, m.peerInfo(a.remotePeer()).orElseThrow().value(), "one connection is left");
        assertEquals(1, m.peerInfo(a.remotePeer()).orElseThrow().connections());
        b.close();
        m.onEvent(new SwarmEvent.ConnectionClosed(b, new CloseCause.Remote("gone")));
        assertTrue(m.peerInfo(a.remotePeer()).isEmpty());
        assertEquals(0, m.connectionCount());
    }

    @Test
    void tagsSetBeforeAPeerConnectsWaitForItThenExpire() throws Exception {
        ConnManager m = manager(1, 10, Duration.ofSeconds(5));
        KeyPair early = Keys.generateEd25519();
        PeerId earlyId = PeerId.fromPublicKey(early.publicKey());
        PeerId never = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
        m.tagPeer(earlyId, "app", 3);
        m.tagPeer(never, "app", 3);
        assertEquals(0, m.peerInfo(never).orElseThrow().connections());
        clock.advance(Duration.ofSeconds(30));
        Instant connectedAt = clock.now();
        connect(m, early, Direction.OUTBOUND);
        PeerTagInfo info = m.peerInfo(earlyId).orElseThrow();
        assertEquals(3, info.value(), "the tag waited for the connection");
        assertEquals(connectedAt, info.firstSeen(), "the grace period runs from the connection");
        clock.advance(ConnManager.MIN_PENDING_TIME);
        assertTrue(m.peerInfo(never).isEmpty(), "tags of a peer that never connected expire");
        assertTrue(m.peerInfo(earlyId).isPresent());
    }

    @Test
    void peersTaggedWhileNotConnectedAreBounded() throws Exception {
        ConnManager m = manager(1, 10, Duration.ZERO);
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i <= ConnManager.MAX_PENDING_PEERS; i++) {
            PeerId id = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
            ids.add(id);
            m.tagPeer(id, "t", 1);
        }
        assertTrue(m.peerInfo(ids.getFirst()).isEmpty(), "the oldest was dropped");
        assertTrue(m.peerInfo(ids.get(1)).isPresent());
        assertTrue(m.peerInfo(ids.getLast()).isPresent());
    }

    @Test
    void badArgumentsAndAManagerOutsideASwarmAreRefused() throws Exception {
        ConnManager loose = new ConnManager();
        PeerId p = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
        assertThrows(IllegalStateException.class, () -> loose.tagPeer(p, "t", 1));
        assertThrows(IllegalStateException.class, loose::trim);
        ConnManager m = manager(1, 2, Duration.ZERO);
        assertThrows(IllegalArgumentException.class, () -> m.tagPeer(p, "", 1));
        assertThrows(IllegalArgumentException.class, () -> m.protect(p, "x".repeat(ConnManager.MAX_TAG_LENGTH + 1)));
        assertThrows(NullPointerException.class, () -> m.untagPeer(null, "t"));
        assertThrows(IllegalArgumentException.class, () -> new ConnManagerConfig(5, 4, Duration.ZERO,
                Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new ConnManagerConfig(-1, 4, Duration.ZERO,
                Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new ConnManagerConfig(1, 4, Duration.ZERO,
                Duration.ZERO));
        FakeConnection c = connect(m, Direction.INBOUND);
        assertThrows(IllegalArgumentException.class, () -> c.close(new CloseCause.Remote("x")));
        assertTrue(c.isOpen());
    }
}
