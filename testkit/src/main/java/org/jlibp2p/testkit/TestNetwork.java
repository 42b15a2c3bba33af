package org.jlibp2p.testkit;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.core.util.Deadline;

/**
 * Many nodes in one JVM over {@link MemoryTransport}, running the real upgrade (Noise or plaintext, Yamux or mplex)
 * and the behaviours a test gives them, optionally all on one {@link ManualScheduler}; connected in a
 * {@link Topology}; with waits that wake on events instead of sleeping, and a trace of what happened that is the same
 * on every run with the same seed.
 *
 * <pre>{@code
 * try (TestNetwork net = TestNetwork.builder().nodes(10).seed(7).manualClock()
 *         .behaviours(i -> List.of(new IdentifyBehaviour(), new PingBehaviour())).build()) {
 *     net.connect(Topology.ring());
 *     net.advance(Duration.ofSeconds(15));
 *     net.require("every node pinged", () -> ...);
 * }
 * }</pre>
 */
public final class TestNetwork implements AutoCloseable {
    /** How long waits take at most unless told otherwise (real time). */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final List<TestNode> nodes = new ArrayList<>();
    private final Map<PeerId, TestNode> byPeer = new HashMap<>();
    private final Optional<ManualScheduler> clock;
    private final Instant start;
    private final SplittableRandom random;
    private final Signal signal = new Signal();
    private final MemoryTransport.Network memory = new MemoryTransport.Network();

    private TestNetwork(Builder b) throws IOException {
        this.random = new SplittableRandom(b.seed);
        this.clock = b.manualClock ? Optional.of(new ManualScheduler()) : Optional.empty();
        this.start = clock.map(ManualScheduler::now).orElse(Instant.now());
        SeededRandom keys = new SeededRandom(b.seed);
        try {
            for (int i = 0; i < b.nodes; i++) {
                PrivateKey k = Keys.generateEd25519(keys).privateKey();
                SwarmConfig config = new SwarmConfig(k, List.of(new MemoryTransport(memory)),
                        List.of(b.stack.security(k)), List.of(b.stack.muxer()));
                if (clock.isPresent()) {
                    config = config.withScheduler(clock.get());
                }
                Swarm swarm = new Swarm(b.configure.apply(config));
                EventRecorder recorder = new EventRecorder(signal);
                swarm.addBehaviour(recorder);
                for (Behaviour behaviour : b.behaviours.apply(i)) {
                    swarm.addBehaviour(behaviour);
                }
                Multiaddr addr = swarm.listen(Multiaddr.parse("/memory/0")).withPeerId(swarm.localPeer().multihash());
                if (!swarm.awaitEventsHandled(WAIT)) {
                    throw new IOException("node " + i + "'s behaviours did not settle within " + WAIT);
                }
                TestNode node = new TestNode(i, swarm, recorder, addr);
                nodes.add(node);
                byPeer.put(swarm.localPeer(), node);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while building the network");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How to build a network. */
    public static final class Builder {
        private int nodes = 2;
        private TestStack stack = TestStack.NOISE_YAMUX;
        private long seed = 1;
        private boolean manualClock;
        private IntFunction<List<Behaviour>> behaviours = i -> List.of();
        private UnaryOperator<SwarmConfig> configure = c -> c;

        public Builder nodes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one node");
            }
            this.nodes = n;
            return this;
        }

        public Builder stack(TestStack s) {
            this.stack = s;
            return this;
        }

        /** Seeds the node keys and random topologies: the same seed builds the same network. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** All nodes share one {@link ManualScheduler}: time moves only with {@link TestNetwork#advance}. */
        public Builder manualClock() {
            this.manualClock = true;
            return this;
        }

        /** The behaviours of node {@code i}, besides its recorder (each node needs its own instances). */
        public Builder behaviours(IntFunction<List<Behaviour>> b) {
            this.behaviours = b;
            return this;
        }

        /** Adjusts each node's configuration (limits, timeouts, ...). */
        public Builder configure(UnaryOperator<SwarmConfig> c) {
            this.configure = c;
            return this;
        }

        public TestNetwork build() throws IOException {
            return new TestNetwork(this);
        }
    }

    public List<TestNode> nodes() {
        return List.copyOf(nodes);
    }

    public TestNode node(int i) {
        return nodes.get(i);
    }

    public int size() {
        return nodes.size();
    }

    /** The node whose peer id is {@code peer}. */
    public Optional<TestNode> node(PeerId peer) {
        return Optional.ofNullable(byPeer.get(peer));
    }

    /** The network's seeded generator (topologies draw from it). */
    public SplittableRandom random() {
        return random;
    }

    /** The shared manual clock. */
    public ManualScheduler clock() {
        return clock.orElseThrow(() -> new IllegalStateException("this network runs on the real clock"));
    }

    /** The time on the nodes' clock. */
    public Instant now() {
        return clock.map(Scheduler::now).orElse(Instant.now());
    }

    /** Moves the shared manual clock, running the timers that fall due. */
    public void advance(Duration by) {
        clock().advance(by);
    }

    /** Fires on every event any node records. */
    public Signal signal() {
        return signal;
    }

    /**
     * Makes the connections of {@code topology}, in parallel, and waits until both ends of each have seen it
     * established and every behaviour of every node has handled that. Returns the edges made.
     */
    public List<Topology.Edge> connect(Topology topology) throws IOException, InterruptedException {
        List<Topology.Edge> edges = topology.edges(nodes.size(), random);
        List<Thread> dials = new ArrayList<>();
        List<IOException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (Topology.Edge e : edges) {
            TestNode from = nodes.get(e.from());
            TestNode to = nodes.get(e.to());
            dials.add(Thread.ofVirtual().name("testnet-dial-" + e.from() + "-" + e.to()).start(() -> {
                try {
                    from.swarm().dial(to.address());
                } catch (IOException ex) {
                    failures.add(ex);
                }
            }));
        }
        if (!Deadline.after(WAIT).joinAll(dials)) {
            throw new AssertionError("dials still running after " + WAIT);
        }
        if (!failures.isEmpty()) {
            IOException first = failures.getFirst();
            throw new IOException(failures.size() + " of " + edges.size() + " dials failed: " + first.getMessage(),
                    first);
        }
        require(edges.size() + " connections seen established at both ends", () -> {
            for (Topology.Edge e : edges) {
                if (!seesConnection(nodes.get(e.from()), nodes.get(e.to()))
                        || !seesConnection(nodes.get(e.to()), nodes.get(e.from()))) {
                    return false;
                }
            }
            return true;
        }, WAIT);
        for (TestNode n : nodes) {
            if (!n.swarm().awaitEventsHandled(WAIT)) {
                throw new AssertionError(n.name() + "'s behaviours did not take the new connections within " + WAIT);
            }
        }
        return edges;
    }

    private static boolean seesConnection(TestNode a, TestNode b) {
        return a.recorder().all(SwarmEvent.ConnectionEstablished.class).stream()
                .anyMatch(e -> e.connection().remotePeer().equals(b.peerId()));
    }

    /** Waits until {@code condition} holds, re-checked on every event of any node; fails naming {@code what}. */
    public void require(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        signal.require(what, condition, timeout);
    }

    public void require(String what, BooleanSupplier condition) throws InterruptedException {
        require(what, condition, WAIT);
    }

    /** What a trace shows of one event a node saw: a subject (usually the other node's name) and a text. */
    public record TraceEntry(String subject, String text) {}

    /**
     * Every event the nodes recorded that {@code format} keeps, one line each:
     * {@code <node> <subject> +<seconds since start> <text>}. Lines are grouped by node, then subject, in that order;
     * within a group they keep the order the node saw them. Events of different connections have no order between
     * them in a real network, so the grouping is what makes two runs comparable.
     */
    public List<String> trace(BiFunction<TestNode, SwarmEvent, Optional<TraceEntry>> format) {
        List<String> out = new ArrayList<>();
        for (TestNode n : nodes) {
            Map<String, List<String>> bySubject = new LinkedHashMap<>();
            for (EventRecorder.Recorded r : n.recorder().recorded()) {
                Optional<TraceEntry> t = format.apply(n, r.event());
                if (t.isPresent()) {
                    Duration at = Duration.between(start, r.at());
                    bySubject.computeIfAbsent(t.get().subject(), k -> new ArrayList<>())
                            .add(n.name() + " " + t.get().subject() + " +" + at.toMillis() / 1000.0 + "s "
                                    + t.get().text());
                }
            }
            bySubject.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                    .forEach(e -> out.addAll(e.getValue()));
        }
        return out;
    }

    /** The name of the node with {@code peer}, or the peer id for a peer outside the network. */
    public String nameOf(PeerId peer) {
        TestNode n = byPeer.get(peer);
        return n == null ? peer.toString() : n.name();
    }

    /** The trace's default view: connections opened and closed, and every behaviour output, by class. */
    public Optional<TraceEntry> connectionsAndOutputs(TestNode node, SwarmEvent e) {
        return switch (e) {
            case SwarmEvent.ConnectionEstablished c -> Optional.of(new TraceEntry(nameOf(c.connection().remotePeer()),
                    "established " + c.connection().direction()));
            case SwarmEvent.ConnectionClosed c -> Optional.of(new TraceEntry(nameOf(c.connection().remotePeer()),
                    "closed " + c.cause().getClass().getSimpleName()));
            case SwarmEvent.Emitted em -> Optional.of(new TraceEntry("-", em.event().getClass().getName()));
            default -> Optional.empty();
        };
    }

    /** Every open connection of every node. */
    public int connectionCount() {
        return nodes.stream().mapToInt(n -> n.swarm().connections().size()).sum();
    }

    /** The open connection from node {@code a} to node {@code b}. */
    public Connection connection(int a, int b) {
        return nodes.get(a).swarm().connection(nodes.get(b).peerId())
                .orElseThrow(() -> new AssertionError("n" + a + " has no connection to n" + b));
    }

    /** Closes every node, in parallel. */
    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>();
        for (TestNode n : nodes) {
            closers.add(Thread.ofVirtual().name("testnet-close-" + n.index()).start(n.swarm()::close));
        }
        try {
            Deadline.after(WAIT).joinAll(closers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
