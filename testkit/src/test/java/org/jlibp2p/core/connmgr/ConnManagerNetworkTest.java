package org.jlibp2p.core.connmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.CloseCause;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection manager in a swarm: real connections over the in-memory network, on a shared manual clock. */
@Timeout(60)
class ConnManagerNetworkTest {
    /** Every other node dials node 0. */
    private static final Topology STAR = (n, r) -> IntStream.range(1, n).mapToObj(i -> new Topology.Edge(i, 0))
            .toList();

    private static TestNetwork network(int nodes, ConnManager atNode0) throws Exception {
        return TestNetwork.builder().nodes(nodes).seed(7).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .behaviours(i -> i == 0 ? List.<Behaviour>of(atNode0) : List.of()).build();
    }

    private static Set<PeerId> trimmedAt(TestNode node) {
        List<SwarmEvent.ConnectionClosed> closed = node.recorder().all(SwarmEvent.ConnectionClosed.class);
        closed.forEach(c -> assertInstanceOf(CloseCause.Trimmed.class, c.cause()));
        return closed.stream().map(c -> c.connection().remotePeer()).collect(Collectors.toSet());
    }

    @Test
    void aboveTheHighWaterMarkTheLeastValuableUnprotectedPeersAreCutOnceTheirGraceEnds() throws Exception {
        // Periods below Yamux's 30 s keep-alive: the clock never jumps past a ping in flight.
        ConnManager cm = new ConnManager(new ConnManagerConfig(2, 4, Duration.ofSeconds(5), Duration.ofSeconds(10)));
        try (TestNetwork net = network(7, cm)) {
            net.connect(STAR);
            TestNode hub = net.node(0);
            assertEquals(6, cm.connectionCount());
            assertEquals(6, hub.swarm().connections().size(), "every peer is in its grace period");
            cm.tagPeer(net.node(1).peerId(), "app", 10);
            cm.tagPeer(net.node(2).peerId(), "app", 5);
            cm.tagPeer(net.node(3).peerId(), "app", -5);
            cm.protect(net.node(3).peerId(), "keep");
            assertTrue(cm.isProtected(net.node(3).peerId(), "keep")); // the tags above are in place too
            net.advance(Duration.ofSeconds(10)); // the check a silence period after the first attempt
            net.require("node 0 saw 3 connections closed",
                    () -> hub.recorder().all(SwarmEvent.ConnectionClosed.class).size() == 3);
            assertEquals(3, hub.swarm().connections().size());
            assertEquals(Set.of(net.node(4).peerId(), net.node(5).peerId(), net.node(6).peerId()), trimmedAt(hub),
                    "value 0 goes, 10 and 5 stay beside the protected peer");
            for (int i = 4; i <= 6; i++) {
                TestNode far = net.node(i);
                net.require(far.name() + " sees the connection closed",
                        () -> far.swarm().connections().isEmpty());
            }
            assertEquals(3, cm.connectionCount());
            assertEquals(10, cm.peerInfo(net.node(1).peerId()).orElseThrow().value());
        }
    }

    @Test
    void trimOnDemandStopsAtTheLowWaterMark() throws Exception {
        ConnManager cm = new ConnManager(new ConnManagerConfig(2, 100, Duration.ofSeconds(5),
                Duration.ofSeconds(10)));
        try (TestNetwork net = network(5, cm)) {
            net.connect(STAR);
            TestNode hub = net.node(0);
            assertEquals(0, cm.trim(), "every peer is in its grace period");
            net.advance(Duration.ofSeconds(5));
            cm.tagPeer(net.node(2).peerId(), "app", 1);
            cm.tagPeer(net.node(4).peerId(), "app", 1);
            assertEquals(2, cm.trim());
            net.require("node 0 saw 2 connections closed",
                    () -> hub.recorder().all(SwarmEvent.ConnectionClosed.class).size() == 2);
            assertEquals(2, hub.swarm().connections().size());
            assertEquals(Set.of(net.node(1).peerId(), net.node(3).peerId()), trimmedAt(hub));
            net.require("the manager saw the closes", () -> {
                try {
                    return cm.connectionCount() == 2;
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(0, cm.trim(), "at the low water mark nothing more is trimmed");
            assertEquals(2, hub.swarm().connections().size());
        }
    }
}
