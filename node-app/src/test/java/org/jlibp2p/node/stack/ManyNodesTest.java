package org.jlibp2p.node.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyEvent;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.protocols.ping.PingConfig;
import org.jlibp2p.protocols.ping.PingEvent;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Identify and ping among 100 in-memory nodes (real Noise and Yamux) on one manual clock: the same seed gives the
 * same trace of what every node learnt, when, from whom.
 */
class ManyNodesTest {
    private static final int NODES = 100;
    private static final Duration PING_INTERVAL = Duration.ofSeconds(15);

    @Test
    @Timeout(300)
    void theSameSeedGivesTheSameTrace() throws Exception {
        List<String> first = run(42);
        List<String> second = run(42);
        assertEquals(first, second);
        List<String> other = run(43);
        assertNotEquals(first, other, "another seed makes another network");
    }

    /** Builds the network, connects it, lets two ping intervals pass, and returns its trace. */
    private static List<String> run(long seed) throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(NODES).seed(seed).stack(TestStack.NOISE_YAMUX)
                .manualClock()
                .behaviours(i -> List.of(new IdentifyBehaviour(),
                        new PingBehaviour(PingConfig.defaults().withInterval(PING_INTERVAL))))
                .build()) {
            List<Topology.Edge> edges = net.connect(Topology.random(3));
            int ends = 2 * edges.size();
            net.require("every node identified every neighbour", () -> count(net, IdentifyEvent.Received.class) == ends);
            for (int round = 1; round <= 2; round++) {
                int expected = round * ends;
                net.advance(PING_INTERVAL);
                net.require(expected + " pings answered", () -> count(net, PingEvent.Success.class) == expected);
            }
            assertEquals(0, count(net, PingEvent.Failure.class));
            assertEquals(0, count(net, IdentifyEvent.Failed.class));
            for (TestNode n : net.nodes()) {
                assertEquals(0, n.recorder().all(SwarmEvent.ConnectionClosed.class).size(), n.name());
            }
            List<String> trace = net.trace((node, e) -> format(net, e));
            // per connection end: connected, identified, two pings
            assertEquals(4 * ends, trace.size());
            if (System.getProperty("trace") != null) {
                trace.stream().limit(12).forEach(System.out::println);
            }
            return trace;
        }
    }

    private static int count(TestNetwork net, Class<? extends org.jlibp2p.core.swarm.BehaviourEvent> type) {
        return net.nodes().stream().mapToInt(n -> n.recorder().emitted(type).size()).sum();
    }

    private static Optional<TestNetwork.TraceEntry> format(TestNetwork net, SwarmEvent e) {
        return switch (e) {
            case SwarmEvent.ConnectionEstablished c -> Optional.of(new TestNetwork.TraceEntry(
                    net.nameOf(c.connection().remotePeer()), "connected " + c.connection().direction()));
            case SwarmEvent.Emitted(IdentifyEvent.Received r) -> Optional.of(new TestNetwork.TraceEntry(
                    net.nameOf(r.peer()), "identified " + r.info().agentVersion().orElse("?") + " protocols="
                            + r.info().protocols() + " record-seq=" + r.info().signedPeerRecord().orElseThrow().seq()));
            case SwarmEvent.Emitted(PingEvent.Success p) -> Optional.of(new TestNetwork.TraceEntry(
                    net.nameOf(p.peer()), "pinged rtt=" + p.rtt()));
            case SwarmEvent.Emitted(PingEvent.Failure p) -> Optional.of(new TestNetwork.TraceEntry(
                    net.nameOf(p.peer()), "ping failed " + p.error()));
            default -> Optional.empty();
        };
    }
}
