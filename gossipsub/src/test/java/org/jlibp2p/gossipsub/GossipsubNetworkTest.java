package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pubsub between real swarms over the in-memory transport, on one manual clock. */
@Timeout(120)
class GossipsubNetworkTest {
    private static final String T = "news";
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private static GossipsubBehaviour pubsub(TestNode n) {
        return n.swarm().behaviour(GossipsubBehaviour.class).orElseThrow();
    }

    /** Subscribes every node, waits until each knows its neighbours' subscriptions, then runs heartbeats. */
    private static List<Subscription> subscribeAll(TestNetwork net, List<Topology.Edge> edges)
            throws Exception {
        List<Subscription> subs = new ArrayList<>();
        for (TestNode n : net.nodes()) {
            subs.add(pubsub(n).subscribe(T));
        }
        Map<Integer, Integer> degree = new HashMap<>();
        for (Topology.Edge e : edges) {
            degree.merge(e.from(), 1, Integer::sum);
            degree.merge(e.to(), 1, Integer::sum);
        }
        net.require("every node knows its neighbours' subscriptions", () -> {
            for (TestNode n : net.nodes()) {
                try {
                    if (pubsub(n).peers(T).size() != degree.getOrDefault(n.index(), 0)) {
                        return false;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        });
        for (int i = 0; i < 3; i++) {
            net.advance(Duration.ofSeconds(1));
            settle(net);
        }
        return subs;
    }

    private static void settle(TestNetwork net) throws InterruptedException {
        for (TestNode n : net.nodes()) {
            assertTrue(n.swarm().awaitEventsHandled(SETTLE), n.name() + " settles");
        }
    }

    private static void everyoneGetsEveryMessageOnce(TestNetwork net, List<Subscription> subs, int messages)
            throws Exception {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
            sent.add(data);
            pubsub(net.node(i % net.size())).publish(T, data);
        }
        net.require("every subscriber has every message", () -> subs.stream().allMatch(s -> s.buffered() >= messages));
        settle(net);
        net.advance(Duration.ofSeconds(3)); // gossip rounds: nothing may arrive twice
        settle(net);
        for (int i = 0; i < subs.size(); i++) {
            Subscription s = subs.get(i);
            List<String> got = new ArrayList<>();
            for (Optional<GossipsubEvent.Received> r; (r = s.poll()).isPresent(); ) {
                got.add(new String(r.get().message().data(), StandardCharsets.UTF_8));
            }
            assertEquals(messages, got.size(), "n" + i + " got each message exactly once: " + got);
            assertEquals(messages, got.stream().distinct().count());
            assertEquals(0, s.dropped());
        }
    }

    @Test
    void aGossipsubNetworkDeliversEveryMessageToEverySubscriberExactlyOnce() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(12).seed(5).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .behaviours(i -> List.of(new GossipsubBehaviour(GossipsubConfig.builder().seed(i).build())))
                .build()) {
            List<Topology.Edge> edges = net.connect(Topology.random(3));
            List<Subscription> subs = subscribeAll(net, edges);
            for (TestNode n : net.nodes()) {
                int mesh = pubsub(n).mesh(T).size();
                assertTrue(mesh >= 1, n.name() + " has a mesh");
            }
            everyoneGetsEveryMessageOnce(net, subs, 12);
            GossipsubBehaviour.Stats stats = pubsub(net.node(0)).stats();
            assertEquals(1, stats.published());
            assertEquals(11, stats.delivered());
            assertEquals(0, stats.rejected());
        }
    }

    @Test
    void floodsubNodesAndAMixOfFloodsubAndGossipsubNodesToo() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(8).seed(6).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .behaviours(i -> List.of(new GossipsubBehaviour(i % 2 == 0
                        ? GossipsubConfig.floodsub() : GossipsubConfig.builder().seed(i).build())))
                .build()) {
            List<Topology.Edge> edges = net.connect(Topology.ring());
            List<Subscription> subs = subscribeAll(net, edges);
            everyoneGetsEveryMessageOnce(net, subs, 8);
        }
    }

    @Test
    void aPeerBreakingALimitLosesItsStreamAndTheNodeCarriesOn() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(3).seed(7).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .behaviours(i -> List.of(new GossipsubBehaviour(GossipsubConfig.builder().seed(i).build())))
                .build()) {
            List<Topology.Edge> edges = net.connect(Topology.line());
            List<Subscription> subs = subscribeAll(net, edges);
            // node 2 opens a second pubsub stream to node 1 and claims a 2 MiB RPC
            Stream bad = net.node(2).swarm().newStream(net.node(1).peerId(), List.of(PubsubRouter.MESHSUB_V11));
            bad.output().write(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
            bad.output().flush();
            bad.setReadTimeout(Duration.ofSeconds(20));
            assertThrows(StreamResetException.class, () -> bad.input().read(), "the node resets the stream");
            assertTrue(net.node(1).swarm().isConnected(net.node(2).peerId()), "only the stream was lost");
            everyoneGetsEveryMessageOnce(net, subs, 3);
        }
    }
}
