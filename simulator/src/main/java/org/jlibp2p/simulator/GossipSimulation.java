package org.jlibp2p.simulator;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.gossipsub.GossipsubConfig;
import org.jlibp2p.gossipsub.GossipsubEvent;
import org.jlibp2p.gossipsub.Message;
import org.jlibp2p.gossipsub.MessageIdFunction;
import org.jlibp2p.gossipsub.PeerScoreParams;
import org.jlibp2p.gossipsub.PubsubFormatException;
import org.jlibp2p.gossipsub.PubsubRouter;
import org.jlibp2p.gossipsub.Rpc;
import org.jlibp2p.gossipsub.RpcCodec;
import org.jlibp2p.gossipsub.SignaturePolicy;
import org.jlibp2p.gossipsub.TopicScoreParams;
import org.jlibp2p.gossipsub.ValidationResult;

/**
 * The Gossipsub scenario: every node runs the project's {@link PubsubRouter} (mesh, gossip, IDONTWANT, peer scoring)
 * on the virtual clock, with its heartbeat every {@code heartbeat_ms}; every RPC it sends is encoded by
 * {@link RpcCodec}, crosses the simulated network and is decoded at the other end.
 *
 * <p>Each node dials {@code degree} random others and all subscribe to one topic; after {@code warmup_s} for the
 * meshes to form, {@code messages} messages of {@code message_size} bytes are published by random honest nodes every
 * {@code publish_interval_ms}. Spammers (a fraction {@code spammers}) also publish {@code spam_per_s} messages each
 * that honest validators reject; censors (a fraction {@code censors}) forward nothing and gossip nothing. With
 * {@code idontwant} false, peers speak {@code /meshsub/1.1.0} and no IDONTWANT is sent.
 *
 * <p>For each message, the shortest-path bound is the earliest each node could have it: the publisher's links and
 * every honest node's mesh at publish time, each hop costing its latency and the message's serialisation at the
 * slower end, without queueing.
 */
final class GossipSimulation {
    private static final String TOPIC = "sim";

    private final Scenario sc;
    private final int n;
    private final EventLoop loop = new EventLoop();
    private final SplittableRandom random;
    private final Network net;
    private final Node[] nodes;
    private final Map<PeerId, Integer> index = new HashMap<>();
    private final int messageSize;
    private final boolean idontwant;
    private final boolean floodPublish;

    private final List<long[]> arrival = new ArrayList<>(); // per message: when each node delivered it, -1 if never
    private final List<long[]> bound = new ArrayList<>(); // per message: the shortest-path bound per node
    private final List<BitSet> received = new ArrayList<>(); // per message: nodes that got a copy
    private final List<int[]> copies = new ArrayList<>();
    private final long[] publishedAt;
    private final int[] publisher;
    private long spamDelivered;
    private long spamCopies;
    private long malformed;
    private long rpcs;

    private final class Node implements PubsubRouter.Output {
        final int i;
        final PeerId id;
        final boolean spammer;
        final boolean censor;
        final Set<Integer> links = new LinkedHashSet<>();
        PubsubRouter router;

        Node(int i, KeyPair key, boolean spammer, boolean censor) {
            this.i = i;
            this.id = PeerId.fromPublicKey(key.publicKey());
            this.spammer = spammer;
            this.censor = censor;
        }

        boolean honest() {
            return !spammer && !censor;
        }

        @Override
        public void send(PeerId peer, Rpc rpc) {
            if (censor) {
                // Forwards nothing and advertises nothing; keeps its subscriptions, grafts and prunes.
                rpc = new Rpc(rpc.subscriptions(), List.of(), new Rpc.Control(List.of(), List.of(),
                        rpc.control().graft(), rpc.control().prune(), List.of()));
                if (rpc.isEmpty()) {
                    return;
                }
            }
            Integer to = index.get(peer);
            byte[] frame = RpcCodec.encode(rpc);
            rpcs++;
            Node dst = nodes[to];
            net.transmit(loop, i, to, frame.length, () -> dst.receive(this, frame));
        }

        void receive(Node from, byte[] frame) {
            Rpc rpc;
            try {
                rpc = RpcCodec.decode(frame, router.config().limits());
            } catch (PubsubFormatException e) {
                malformed++;
                return;
            }
            for (Message m : rpc.messages()) {
                int msg = messageIndex(m);
                if (msg >= 0 && msg < received.size()) {
                    received.get(msg).set(i);
                    copies.get(msg)[i]++;
                } else if (msg < 0 && honest()) {
                    spamCopies++;
                }
            }
            router.handleRpc(from.id, rpc);
        }

        @Override
        public void deliver(GossipsubEvent.Received message) {
            int msg = messageIndex(message.message());
            if (msg < 0) {
                if (honest()) {
                    spamDelivered++;
                }
                return;
            }
            long[] a = arrival.get(msg);
            if (a[i] < 0) {
                a[i] = loop.nanoTime();
            }
        }

        @Override
        public void event(GossipsubEvent event) {}

        @Override
        public void runOnRouter(Runnable task) {
            loop.after(0, task);
        }
    }

    GossipSimulation(Scenario sc) {
        this.sc = sc;
        this.n = sc.nodes();
        this.random = new SplittableRandom(sc.seed());
        this.net = new Network(n, sc.regions(), sc.bandwidth(), sc.num("loss", 0), random.split());
        this.messageSize = Math.max(16, sc.integer("message_size", 1024));
        this.idontwant = sc.bool("idontwant", true);
        this.floodPublish = sc.bool("flood_publish", true);
        int messages = sc.integer("messages", 100);
        this.publishedAt = new long[messages];
        this.publisher = new int[messages];
        this.nodes = new Node[n];
        int spammers = (int) Math.round(sc.num("spammers", 0) * n);
        int censors = (int) Math.round(sc.num("censors", 0) * n);
        SplittableRandom keys = random.split();
        boolean scoring = sc.bool("scoring", spammers > 0 || censors > 0);
        for (int i = 0; i < n; i++) {
            byte[] seed = new byte[32];
            keys.nextBytes(seed);
            Node node = new Node(i, Keys.ed25519FromSeed(seed), i >= n - spammers,
                    i >= n - spammers - censors && i < n - spammers);
            nodes[i] = node;
            index.put(node.id, i);
            GossipsubConfig.Builder b = GossipsubConfig.builder().seed(random.nextLong()).emitMessages(false)
                    .signaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
                    .messageIdFunction(MessageIdFunction.CONTENT_HASH)
                    .floodPublish(floodPublish)
                    .d(sc.integer("d", 6)).dLo(sc.integer("d_lo", 5)).dHi(sc.integer("d_hi", 12))
                    .dLazy(sc.integer("d_lazy", 6))
                    .heartbeatInterval(Duration.ofMillis(sc.integer("heartbeat_ms", 1000)))
                    .idontwantMessageThreshold(sc.integer("idontwant_threshold", 1024));
            if (scoring) {
                b.scoreParams(scoreParams());
            }
            node.router = new PubsubRouter(b.build(), node.id, null, loop::now, node);
            if (!node.spammer) {
                node.router.addValidator(TOPIC, (from, m) -> m.data().length > 0 && m.data()[0] == 1
                        ? ValidationResult.ACCEPT : ValidationResult.REJECT);
            }
        }
    }

    private static PeerScoreParams scoreParams() {
        TopicScoreParams topic = TopicScoreParams.builder()
                .timeInMeshWeight(0.01).timeInMeshQuantum(Duration.ofSeconds(1)).timeInMeshCap(300)
                .firstMessageDeliveriesWeight(1).firstMessageDeliveriesDecay(0.9).firstMessageDeliveriesCap(10)
                .invalidMessageDeliveriesWeight(-10).invalidMessageDeliveriesDecay(0.95)
                .build();
        return PeerScoreParams.builder().topics(Map.of(TOPIC, topic)).behaviourPenaltyWeight(-1)
                .behaviourPenaltyThreshold(5).retainScore(Duration.ofMinutes(5)).build();
    }

    /** Honest messages carry 1, their index and their publisher in their first bytes; spam carries 0. */
    private static int messageIndex(Message m) {
        byte[] d = m.data();
        if (d.length < 9 || d[0] != 1) {
            return -1;
        }
        return ByteBuffer.wrap(d, 1, 4).getInt();
    }

    private byte[] payload(int msg, int from, boolean spam) {
        byte[] d = new byte[messageSize];
        ByteBuffer b = ByteBuffer.wrap(d);
        b.put((byte) (spam ? 0 : 1)).putInt(msg).putInt(from).putLong(random.nextLong());
        return d;
    }

    private void connect(Node a, Node b) {
        if (a == b || a.links.contains(b.i)) {
            return;
        }
        a.links.add(b.i);
        b.links.add(a.i);
        String protocol = idontwant ? PubsubRouter.MESHSUB_V12 : PubsubRouter.MESHSUB_V11;
        a.router.addPeer(b.id, protocol, true, Set.of());
        b.router.addPeer(a.id, protocol, false, Set.of());
    }

    private void publish(int msg) {
        Node p = nodes[publisher[msg]];
        publishedAt[msg] = loop.nanoTime();
        long[] a = new long[n];
        Arrays.fill(a, -1);
        arrival.add(a);
        received.add(new BitSet(n));
        copies.add(new int[n]);
        bound.add(shortestPaths(p, messageSize + 64));
        p.router.publish(TOPIC, payload(msg, p.i, false));
    }

    /** Dijkstra from {@code p} over the publisher's links and the honest nodes' meshes, without queueing. */
    private long[] shortestPaths(Node p, int bytes) {
        long[] dist = new long[n];
        Arrays.fill(dist, Long.MAX_VALUE);
        dist[p.i] = 0;
        PriorityQueue<long[]> pq = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
        pq.add(new long[] {0, p.i});
        while (!pq.isEmpty()) {
            long[] top = pq.poll();
            int u = (int) top[1];
            if (top[0] > dist[u]) {
                continue;
            }
            Node un = nodes[u];
            if (un.censor) {
                continue;
            }
            Iterable<PeerId> next = u == p.i && floodPublish ? un.router.peers(TOPIC) : un.router.mesh(TOPIC);
            for (PeerId v : next) {
                int vi = index.get(v);
                long d = dist[u] + net.idealDelay(u, vi, bytes);
                if (d < dist[vi]) {
                    dist[vi] = d;
                    pq.add(new long[] {d, vi});
                }
            }
        }
        return dist;
    }

    Result run() {
        long wallStart = System.nanoTime();
        long heartbeat = EventLoop.seconds(sc.integer("heartbeat_ms", 1000) / 1000.0);
        for (Node node : nodes) {
            node.router.subscribe(TOPIC);
        }
        int degree = Math.min(n - 1, sc.integer("degree", 10));
        for (Node node : nodes) {
            for (int c = 0; c < degree; c++) {
                connect(node, nodes[random.nextInt(n)]);
            }
        }
        for (Node node : nodes) {
            long first = 100_000_000L + random.nextLong(heartbeat);
            beat(node, first, heartbeat);
        }
        long warmup = EventLoop.seconds(sc.num("warmup_s", 10));
        loop.runUntil(warmup, Long.MAX_VALUE);
        System.err.printf("sim: meshes formed at %.0f s simulated, %.0f s wall, %d events%n", loop.nanoTime() / 1e9,
                (System.nanoTime() - wallStart) / 1e9, loop.executed());

        int messages = publishedAt.length;
        long interval = EventLoop.seconds(sc.num("publish_interval_ms", 200) / 1000);
        List<Integer> honest = new ArrayList<>();
        for (Node node : nodes) {
            if (node.honest()) {
                honest.add(node.i);
            }
        }
        for (int m = 0; m < messages; m++) {
            publisher[m] = honest.get(random.nextInt(honest.size()));
            int msg = m;
            loop.at(warmup + m * interval, () -> publish(msg));
        }
        long end = warmup + messages * interval + EventLoop.seconds(sc.num("drain_s", 10));
        double spamRate = sc.num("spam_per_s", 5);
        for (Node node : nodes) {
            if (node.spammer && spamRate > 0) {
                long every = EventLoop.seconds(1 / spamRate);
                long[] count = {0};
                for (long t = warmup + random.nextLong(every); t < end; t += every) {
                    loop.at(t, () -> node.router.publish(TOPIC, payload((int) count[0]++, node.i, true)));
                }
            }
        }
        loop.runUntil(end, Long.MAX_VALUE);
        return result((System.nanoTime() - wallStart) / 1e9);
    }

    private void beat(Node node, long at, long every) {
        loop.at(at, () -> {
            node.router.heartbeat();
            beat(node, at + every, every);
        });
    }

    private Result result(double wall) {
        Result r = new Result(sc, "gossip");
        int messages = publishedAt.length;
        long expected = 0;
        long delivered = 0;
        long dupTotal = 0;
        Stats delays = new Stats();
        Stats t50 = new Stats();
        Stats t99 = new Stats();
        Stats t100 = new Stats();
        Stats b99 = new Stats();
        Stats b100 = new Stats();
        Stats ratio99 = new Stats();
        Stats dupPerNode = new Stats();
        int maxDup = 0;
        double beyondBound = 0;
        long pairs = 0;
        for (int m = 0; m < arrival.size(); m++) {
            long[] a = arrival.get(m);
            long[] bnd = bound.get(m);
            Stats mine = new Stats();
            Stats mineBound = new Stats();
            int[] c = copies.get(m);
            for (int i = 0; i < n; i++) {
                if (i == publisher[m] || !nodes[i].honest()) {
                    continue;
                }
                expected++;
                if (a[i] >= 0) {
                    delivered++;
                    double ms = (a[i] - publishedAt[m]) / 1e6;
                    mine.add(ms);
                    delays.add(ms);
                    if (bnd[i] != Long.MAX_VALUE) {
                        mineBound.add(bnd[i] / 1e6);
                        pairs++;
                        if (a[i] - publishedAt[m] > bnd[i] + 1_000_000) {
                            beyondBound++;
                        }
                    }
                }
                int dup = Math.max(0, c[i] - 1);
                dupTotal += dup;
                dupPerNode.add(dup);
                maxDup = Math.max(maxDup, dup);
            }
            if (mine.size() > 0) {
                t50.add(mine.percentile(50));
                t99.add(mine.percentile(99));
                t100.add(mine.max());
                if (mineBound.size() > 0) {
                    b99.add(mineBound.percentile(99));
                    b100.add(mineBound.max());
                    ratio99.add(mine.percentile(99) / Math.max(1e-9, mineBound.percentile(99)));
                }
            }
        }
        int honestCount = 0;
        long sent = 0;
        for (Node x : nodes) {
            honestCount += x.honest() ? 1 : 0;
            sent += net.bytesSent(x.i);
        }
        double sim = loop.nanoTime() / 1e9;
        r.put("nodes", n);
        r.put("seed", sc.seed());
        r.put("messages", messages);
        r.put("message_size", messageSize);
        r.put("idontwant", idontwant);
        r.put("honest_subscribers", honestCount);
        r.put("delivery", Stats.round(expected == 0 ? Double.NaN : delivered / (double) expected));
        r.put("duplicates_per_message", Stats.round(messages == 0 ? 0 : dupTotal / (double) messages));
        r.put("duplicates_per_message_per_node", Stats.round(dupPerNode.mean()));
        r.put("duplicates_max", maxDup);
        r.put("d", sc.integer("d", 6));
        r.put("time_to_50_ms", Stats.round(t50.mean()));
        r.put("time_to_99_ms", Stats.round(t99.mean()));
        r.put("time_to_100_ms", Stats.round(t100.mean()));
        r.put("bound_99_ms", Stats.round(b99.mean()));
        r.put("bound_100_ms", Stats.round(b100.mean()));
        r.put("p99_over_bound", Stats.round(ratio99.mean()));
        r.put("p99_over_bound_max", Stats.round(ratio99.max()));
        r.put("share_later_than_bound", Stats.round(pairs == 0 ? 0 : beyondBound / pairs));
        r.put("delay_ms_p50", Stats.round(delays.percentile(50)));
        r.put("delay_ms_p99", Stats.round(delays.percentile(99)));
        r.put("delay_ms_max", Stats.round(delays.max()));
        r.put("bandwidth_bytes_per_node_per_s", Stats.round(sent / (double) n / Math.max(1e-9, sim)));
        long idontwants = 0;
        long iwants = 0;
        for (Node x : nodes) {
            idontwants += x.router.counters().idontwantsSent();
            iwants += x.router.counters().iwantsSent();
        }
        r.put("rpcs", rpcs);
        r.put("idontwant_sent", idontwants);
        r.put("iwant_sent", iwants);
        r.put("spammers", (int) Math.round(sc.num("spammers", 0) * n));
        r.put("censors", (int) Math.round(sc.num("censors", 0) * n));
        r.put("spam_copies_at_honest", spamCopies);
        r.put("spam_delivered_to_honest", spamDelivered);
        r.put("malformed", malformed);
        r.put("lost", net.lost());
        r.put("events", loop.executed());
        r.finish(sim, wall, n);
        // The nodes must stay reachable through the heap measurement in finish, or the JIT may let them go first.
        java.lang.ref.Reference.reachabilityFence(nodes);
        r.series("delivery_ms", delays.sorted());
        r.series("duplicates", dupPerNode.sorted());
        return r;
    }

    Optional<Integer> nodeOf(PeerId p) {
        return Optional.ofNullable(index.get(p));
    }
}
