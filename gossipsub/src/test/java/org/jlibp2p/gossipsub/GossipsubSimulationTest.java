package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gossipsub among many in-memory nodes (plaintext and Yamux, for speed) on one manual clock: 3 topics, every node
 * subscribed to each, 100 messages from random nodes. Delivery, duplicates and latency (in heartbeats, and in hops
 * along the path each message took first) are printed; then a tenth of the nodes spam invalid messages, and the
 * honest nodes must still receive every honest message while scoring the spammers below the graylist threshold.
 * The number of nodes is {@code -Dgossipsub.sim.nodes} (default {@value #DEFAULT_NODES}).
 */
class GossipsubSimulationTest {
    static final int DEFAULT_NODES = 1000;
    private static final String[] TOPICS = {"blocks", "transactions", "chat"};
    private static final int MESSAGES = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_HEARTBEATS = 10;

    /** Per message: node index -> the node it came from first. */
    private final Map<MessageId, Map<Integer, PeerId>> firstFrom = new ConcurrentHashMap<>();
    private final Map<PeerId, Integer> index = new HashMap<>();

    private static GossipsubConfig config(int i) {
        TopicScoreParams topic = TopicScoreParams.builder()
                .timeInMeshWeight(0.01).timeInMeshQuantum(Duration.ofSeconds(1)).timeInMeshCap(300)
                .firstMessageDeliveriesWeight(1).firstMessageDeliveriesDecay(0.9).firstMessageDeliveriesCap(10)
                .invalidMessageDeliveriesWeight(-10).invalidMessageDeliveriesDecay(0.95)
                .build();
        Map<String, TopicScoreParams> topics = new HashMap<>();
        for (String t : TOPICS) {
            topics.put(t, topic);
        }
        return GossipsubConfig.builder().seed(i).emitMessages(false)
                .scoreParams(PeerScoreParams.builder().topics(topics).behaviourPenaltyWeight(-1)
                        .behaviourPenaltyThreshold(5).retainScore(Duration.ofMinutes(5)).build())
                .build();
    }

    private static GossipsubBehaviour pubsub(TestNode n) {
        return n.swarm().behaviour(GossipsubBehaviour.class).orElseThrow();
    }

    private static boolean isSpam(GossipsubEvent.Received r) {
        return new String(r.message().data(), StandardCharsets.UTF_8).startsWith("spam");
    }

    @Test
    @Timeout(600)
    void deliveryDuplicatesLatencyAndSpamResilience() throws Exception {
        int n = Integer.getInteger("gossipsub.sim.nodes", DEFAULT_NODES);
        long t0 = System.nanoTime();
        try (TestNetwork net = TestNetwork.builder().nodes(n).seed(11).stack(TestStack.PLAINTEXT_YAMUX)
                .manualClock().behaviours(i -> List.of(new GossipsubBehaviour(config(i)))).build()) {
            for (TestNode node : net.nodes()) {
                index.put(node.peerId(), node.index());
                int me = node.index();
                GossipsubBehaviour ps = pubsub(node);
                ps.addListener(e -> {
                    if (e instanceof GossipsubEvent.Received r && !isSpam(r)) {
                        firstFrom.computeIfAbsent(r.id(), k -> new ConcurrentHashMap<>()).put(me, r.source());
                    }
                });
                for (String t : TOPICS) {
                    ps.addValidator(t, (from, m) -> new String(m.data(), StandardCharsets.UTF_8).startsWith("spam")
                            ? ValidationResult.REJECT : ValidationResult.ACCEPT);
                }
            }
            long built = System.nanoTime();
            List<Topology.Edge> edges = net.connect(Topology.random(5));
            long connected = System.nanoTime();
            List<Subscription> subs = new ArrayList<>();
            for (TestNode node : net.nodes()) {
                for (String t : TOPICS) {
                    subs.add(pubsub(node).subscribe(t));
                }
            }
            quiet(net);
            for (int i = 0; i < 5; i++) {
                heartbeat(net);
            }
            int[] meshSizes = new int[n];
            for (TestNode node : net.nodes()) {
                meshSizes[node.index()] = pubsub(node).mesh(TOPICS[0]).size();
            }
            System.out.printf(Locale.ROOT, "gossipsub simulation: %d nodes, %d connections; built in %.1f s, "
                    + "connected in %.1f s; mesh sizes of '%s': min %d, max %d%n", n, edges.size(),
                    (built - t0) / 1e9, (connected - built) / 1e9, TOPICS[0],
                    java.util.Arrays.stream(meshSizes).min().orElse(0),
                    java.util.Arrays.stream(meshSizes).max().orElse(0));

            SplittableRandom random = new SplittableRandom(3);
            long dupsBefore = duplicates(net);
            long rpcsBefore = totalSent(net);
            List<Integer> latency = new ArrayList<>();
            List<Integer> maxHops = new ArrayList<>();
            double hopSum = 0;
            long hopCount = 0;
            long sendStart = System.nanoTime();
            for (int m = 0; m < MESSAGES; m++) {
                int from = random.nextInt(n);
                String topic = TOPICS[m % TOPICS.length];
                MessageId id = pubsub(net.node(from)).publish(topic,
                        ("message " + m).getBytes(StandardCharsets.UTF_8));
                int beats = deliver(net, id, n - 1);
                latency.add(beats);
                int[] hops = hops(id, from, n);
                int max = 0;
                for (int i = 0; i < n; i++) {
                    if (i != from) {
                        hopSum += hops[i];
                        hopCount++;
                        max = Math.max(max, hops[i]);
                    }
                }
                maxHops.add(max);
            }
            long sendEnd = System.nanoTime();
            double dups = (double) (duplicates(net) - dupsBefore) / ((long) MESSAGES * (n - 1));
            long zero = latency.stream().filter(b -> b == 0).count();
            System.out.printf(Locale.ROOT, "delivery: %d messages to %d subscribers each: 100%%; "
                    + "duplicates per message per node %.2f; latency: %d of %d delivered to every subscriber "
                    + "before the next heartbeat, at most %d heartbeats; hops mean %.2f, max %d; "
                    + "RPCs %d; %.1f s for the messages%n", MESSAGES, n - 1, dups, zero, MESSAGES,
                    latency.stream().mapToInt(Integer::intValue).max().orElse(0), hopSum / hopCount,
                    maxHops.stream().mapToInt(Integer::intValue).max().orElse(0), totalSent(net) - rpcsBefore,
                    (sendEnd - sendStart) / 1e9);
            for (Subscription s : subs) {
                assertEquals(0, s.dropped());
            }

            // a tenth of the nodes spam invalid messages; honest ones keep publishing
            Set<Integer> spammers = new HashSet<>();
            while (spammers.size() < n / 10) {
                spammers.add(random.nextInt(n));
            }
            int honestDelivered = 0;
            int honestMessages = 0;
            for (int round = 0; round < 10; round++) {
                for (int s : spammers) {
                    for (String t : TOPICS) {
                        pubsub(net.node(s)).publish(t, ("spam " + round + " from " + s).getBytes(StandardCharsets.UTF_8));
                    }
                }
                int from;
                do {
                    from = random.nextInt(n);
                } while (spammers.contains(from));
                MessageId id = pubsub(net.node(from)).publish(TOPICS[round % 3],
                        ("honest " + round).getBytes(StandardCharsets.UTF_8));
                honestMessages++;
                Set<Integer> honestReceivers = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    if (i != from && !spammers.contains(i)) {
                        honestReceivers.add(i);
                    }
                }
                deliverTo(net, id, honestReceivers);
                honestDelivered++;
            }
            Map<Integer, Set<Integer>> neighbours = new HashMap<>();
            for (Topology.Edge e : edges) {
                neighbours.computeIfAbsent(e.from(), k -> new HashSet<>()).add(e.to());
                neighbours.computeIfAbsent(e.to(), k -> new HashSet<>()).add(e.from());
            }
            double graylist = PeerScoreThresholds.defaults().graylistThreshold();
            // Scores decay with each heartbeat, and a graylisted spammer's spam is ignored, so a spammer can drift
            // back above the threshold between bursts: what counts is that one that keeps spamming is graylisted
            // again. Up to three more bursts, with no time passing, until every honest neighbour graylists it.
            int pairs = 0;
            int graylisted = 0;
            double worst = Double.NEGATIVE_INFINITY;
            int extraBursts = 0;
            for (int burst = 0; burst <= 3; burst++) {
                pairs = 0;
                graylisted = 0;
                worst = Double.NEGATIVE_INFINITY;
                for (int s : spammers) {
                    for (int h : neighbours.getOrDefault(s, Set.of())) {
                        if (spammers.contains(h)) {
                            continue;
                        }
                        pairs++;
                        double score = pubsub(net.node(h)).score(net.node(s).peerId());
                        worst = Math.max(worst, score);
                        if (score < graylist) {
                            graylisted++;
                        }
                    }
                }
                if (graylisted == pairs || burst == 3) {
                    break;
                }
                extraBursts++;
                for (int s : spammers) {
                    for (String t : TOPICS) {
                        pubsub(net.node(s)).publish(t, ("more spam " + burst + " from " + s)
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
                quiet(net);
            }
            ScoreExplanation example = pubsub(net.node(neighbours.get(spammers.iterator().next()).stream()
                    .filter(h -> !spammers.contains(h)).findFirst().orElseThrow()))
                    .explain(net.node(spammers.iterator().next()).peerId());
            System.out.printf(Locale.ROOT, "spam: %d spammers; honest delivery %d of %d messages to every honest "
                    + "node; %d of %d honest neighbours of spammers score them below the graylist threshold "
                    + "(%.0f), highest such score %.1f, after %d more bursts; total %.1f s%n", spammers.size(),
                    honestDelivered, honestMessages, graylisted, pairs, graylist, worst, extraBursts,
                    (System.nanoTime() - t0) / 1e9);
            System.out.println("one spammer as a neighbour sees it: " + example.describe());
            assertEquals(pairs, graylisted, "every honest neighbour graylists every spammer");
            assertTrue(pairs > 0);
        }
    }

    /** Waits until every RPC queued anywhere has been handled. */
    private static void quiet(TestNetwork net) throws InterruptedException {
        net.require("no RPC in flight", () -> totalSent(net) == totalReceived(net), WAIT);
    }

    private static long totalSent(TestNetwork net) {
        long s = 0;
        for (TestNode node : net.nodes()) {
            s += pubsub(node).rpcsSent();
        }
        return s;
    }

    private static long totalReceived(TestNetwork net) {
        long s = 0;
        for (TestNode node : net.nodes()) {
            s += pubsub(node).rpcsReceived();
        }
        return s;
    }

    private static long duplicates(TestNetwork net) throws InterruptedException {
        long d = 0;
        for (TestNode node : net.nodes()) {
            d += pubsub(node).stats().duplicates();
        }
        return d;
    }

    /** One heartbeat on every node: moves the clock, waits until each ran it and the network is quiet again. */
    private static void heartbeat(TestNetwork net) throws InterruptedException {
        long before = pubsub(net.node(0)).heartbeats();
        net.advance(Duration.ofSeconds(1));
        net.require("every node ran its heartbeat", () -> net.nodes().stream()
                .allMatch(node -> pubsub(node).heartbeats() > before), WAIT);
        quiet(net);
    }

    /** Heartbeats until {@code id} reached {@code receivers} nodes; returns how many it took. */
    private int deliver(TestNetwork net, MessageId id, int receivers) throws InterruptedException {
        for (int beats = 0; beats <= MAX_HEARTBEATS; beats++) {
            quiet(net);
            if (firstFrom.getOrDefault(id, Map.of()).size() >= receivers) {
                return beats;
            }
            heartbeat(net);
        }
        throw new AssertionError("message " + id + " reached " + firstFrom.getOrDefault(id, Map.of()).size()
                + " of " + receivers + " nodes after " + MAX_HEARTBEATS + " heartbeats");
    }

    private void deliverTo(TestNetwork net, MessageId id, Set<Integer> receivers) throws InterruptedException {
        for (int beats = 0; beats <= MAX_HEARTBEATS; beats++) {
            quiet(net);
            if (firstFrom.getOrDefault(id, Map.of()).keySet().containsAll(receivers)) {
                return;
            }
            heartbeat(net);
        }
        throw new AssertionError("honest message " + id + " missed some honest nodes");
    }

    /** Hops from the publisher along the path each node received the message on first. */
    private int[] hops(MessageId id, int publisher, int n) {
        Map<Integer, PeerId> from = firstFrom.get(id);
        int[] hops = new int[n];
        for (int i = 0; i < n; i++) {
            int h = 0;
            int at = i;
            while (at != publisher && h <= n) {
                at = index.get(from.get(at));
                h++;
            }
            hops[i] = h;
        }
        return hops;
    }
}
