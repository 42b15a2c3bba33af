package org.jlibp2p.kademlia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.util.Deadline;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.kademlia.KademliaEvent.QueryKind;
import org.jlibp2p.kademlia.KademliaEvent.QueryStats;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A DHT of 1,000 nodes in one JVM (set {@code -Dkad.sim.nodes=N} for another size), running the real identify and
 * Kademlia behaviours over the in-memory transport with Yamux, on one manual clock: each node joins through one of five
 * entry nodes, 25 at a time, each bootstrapping once as it joins (the network is younger than one refresh interval).
 * Lookups of random peers must succeed, in few hops; with a quarter of the nodes gone they must still
 * succeed for the live ones; provided keys must be found. The figures are printed.
 */
class KademliaSimulationTest {
    private static final int NODES = Integer.getInteger("kad.sim.nodes", 1000);
    private static final int ENTRIES = 5;
    private static final int LOOKUPS = Integer.getInteger("kad.sim.lookups", 1000);
    private static final int PARALLEL = 16;
    private static final int JOIN_BATCH = 25;
    private static final Duration SLOW = Duration.ofMinutes(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private record Lookup(int from, int to, boolean found, QueryStats stats) {}

    @Test
    @Timeout(900)
    void lookupsSucceedAtScaleAndUnderChurnAndProvidersAreFound() throws Exception {
        List<KademliaBehaviour> dht = Collections.synchronizedList(new ArrayList<>());
        KademliaBehaviour[] byIndex = new KademliaBehaviour[NODES];
        try (TestNetwork net = TestNetwork.builder().nodes(NODES).seed(2026).stack(TestStack.PLAINTEXT_YAMUX)
                .manualClock()
                // Entry nodes take a thousand connections; the default limits are sized for a heap of its own.
                // Two shared cores run all thousand nodes: the real-time limits of dials, handshakes and requests
                // are relaxed, since the simulation's time is the manual clock.
                .configure(c -> c.withLimits(c.limits().withResources(
                        org.jlibp2p.core.resource.ResourceLimits.unlimited()).withHandshakeTimeout(SLOW)
                        .withNegotiationTimeout(SLOW)).withDialTimeout(SLOW))
                .behaviours(i -> {
                    KademliaBehaviour k = new KademliaBehaviour(KademliaConfig.defaults());
                    byIndex[i] = k;
                    return List.of(new IdentifyBehaviour(), k);
                }).build()) {
            SplittableRandom random = new SplittableRandom(7);
            long t0 = System.nanoTime();
            // The entry nodes form a ring; the others join in batches, each through one entry node, the way nodes
            // come up over time rather than all in one instant.
            net.connect((n, r) -> {
                List<Topology.Edge> edges = new ArrayList<>();
                for (int i = 0; i < ENTRIES; i++) {
                    edges.add(new Topology.Edge(i, (i + 1) % ENTRIES));
                }
                return edges;
            });
            for (int start = ENTRIES; start < NODES; start += JOIN_BATCH) {
                int end = Math.min(NODES, start + JOIN_BATCH);
                int from = start;
                parallel(end - start, k -> net.node(from + k).swarm().dial(net.node((from + k) % ENTRIES).address()));
                net.require("nodes " + start + ".." + (end - 1) + " bootstrapped", () -> {
                    for (int i = from; i < end; i++) {
                        if (net.node(i).recorder().emitted(KademliaEvent.QueryFinished.class).stream()
                                .noneMatch(q -> q.stats().kind() == QueryKind.BOOTSTRAP)) {
                            return false;
                        }
                    }
                    return true;
                }, Duration.ofMinutes(2));
            }
            double joinSeconds = (System.nanoTime() - t0) / 1e9;
            int[] tableSizes = new int[NODES];
            parallel(NODES, i -> tableSizes[i] = byIndex[i].routingTableSize());

            List<Lookup> healthy = lookups(net, byIndex, Set.of(), random);
            String healthyFigures = figures("healthy", healthy);

            // A quarter of the nodes leave at once, entry nodes among them.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new java.util.Random(random.nextLong()));
            Set<Integer> dead = new HashSet<>(order.subList(0, NODES / 4));
            List<Thread> closers = new ArrayList<>();
            for (int i : dead) {
                closers.add(Thread.ofVirtual().start(() -> net.node(i).swarm().close()));
            }
            assertTrue(Deadline.after(Duration.ofMinutes(2)).joinAll(closers), "the dead nodes closed");
            List<Lookup> churned = lookups(net, byIndex, dead, random);
            String churnFigures = figures("25% gone", churned);

            // Provider records: 50 keys, each provided by a live node and looked for by another.
            int providersFound = 0;
            List<Integer> live = order.subList(NODES / 4, NODES);
            for (int k = 0; k < 50; k++) {
                int provider = live.get(random.nextInt(live.size()));
                int seeker = live.get(random.nextInt(live.size()));
                byte[] key = Multihash.sha256(("content " + k).getBytes()).bytes();
                byIndex[provider].provide(key, TIMEOUT);
                List<PeerInfo> found = new ArrayList<>();
                byIndex[seeker].findProviders(key, 1, TIMEOUT, found::add);
                if (found.size() == 1 && found.getFirst().peer().equals(net.node(provider).peerId())) {
                    providersFound++;
                }
            }

            double healthyRate = rate(healthy);
            double churnRate = rate(churned);
            System.out.printf("kademlia simulation: %d nodes joined in %.1f s, routing table median %d (min %d,"
                    + " max %d)%n", NODES, joinSeconds, median(tableSizes),
                    min(tableSizes),
                    max(tableSizes));
            System.out.println("kademlia simulation: " + healthyFigures);
            System.out.println("kademlia simulation: " + churnFigures);
            System.out.println("kademlia simulation: providers found for " + providersFound + " of 50 keys");

            assertTrue(healthyRate >= 0.999, healthyFigures);
            assertTrue(medianHops(healthy) <= 3, healthyFigures);
            assertTrue(churnRate >= 0.99, churnFigures);
            assertEquals(50, providersFound, "every provided key found by another node");
        }
    }

    /** {@link #LOOKUPS} lookups of a random live peer from a random live node, {@link #PARALLEL} at a time. */
    private static List<Lookup> lookups(TestNetwork net, KademliaBehaviour[] dht, Set<Integer> dead,
            SplittableRandom random) throws Exception {
        List<int[]> pairs = new ArrayList<>();
        while (pairs.size() < LOOKUPS) {
            int from = random.nextInt(NODES);
            int to = random.nextInt(NODES);
            if (from != to && !dead.contains(from) && !dead.contains(to)) {
                pairs.add(new int[] {from, to});
            }
        }
        ConcurrentLinkedQueue<Lookup> out = new ConcurrentLinkedQueue<>();
        parallel(pairs.size(), i -> {
            int from = pairs.get(i)[0];
            int to = pairs.get(i)[1];
            PeerId target = net.node(to).peerId();
            Optional<PeerInfo> found = dht[from].lookupPeer(target, TIMEOUT);
            QueryStats stats = net.node(from).recorder().awaitEmitted(KademliaEvent.QueryFinished.class,
                    q -> q.stats().kind() == QueryKind.FIND_PEER && q.stats().target().equals(Optional.of(target)),
                    TIMEOUT).stats();
            out.add(new Lookup(from, to, found.isPresent(), stats));
        });
        return new ArrayList<>(out);
    }

    private interface IndexTask {
        void run(int i) throws Exception;
    }

    /** Runs {@code task} for 0..n-1 on virtual threads, {@link #PARALLEL} at a time; rethrows the first failure. */
    private static void parallel(int n, IndexTask task) throws Exception {
        Semaphore slots = new Semaphore(PARALLEL);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            slots.acquire();
            int index = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    task.run(index);
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    slots.release();
                }
            }));
        }
        assertTrue(Deadline.after(Duration.ofMinutes(10)).joinAll(threads), "tasks ended");
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " tasks failed", failures.peek());
        }
    }

    private static double rate(List<Lookup> lookups) {
        return lookups.stream().filter(Lookup::found).count() / (double) lookups.size();
    }

    private static int medianHops(List<Lookup> lookups) {
        int[] hops = lookups.stream().filter(Lookup::found).mapToInt(l -> l.stats().hops()).sorted().toArray();
        return hops[hops.length / 2];
    }

    private static String figures(String label, List<Lookup> lookups) {
        TreeMap<Integer, Integer> hops = new TreeMap<>();
        int[] requests = lookups.stream().mapToInt(l -> l.stats().requests()).sorted().toArray();
        int[] failures = lookups.stream().mapToInt(l -> l.stats().failures()).sorted().toArray();
        for (Lookup l : lookups) {
            if (l.found()) {
                hops.merge(l.stats().hops(), 1, Integer::sum);
            }
        }
        long found = lookups.stream().filter(Lookup::found).count();
        return String.format("%s: %d of %d lookups found their peer (%.2f%%), hops %s (median %d),"
                + " requests per lookup median %d (p90 %d, max %d), failed requests per lookup median %d (max %d)",
                label, found, lookups.size(), 100.0 * found / lookups.size(), hops, found == 0 ? -1
                        : medianHops(lookups), requests[requests.length / 2], requests[requests.length * 9 / 10],
                requests[requests.length - 1], failures[failures.length / 2], failures[failures.length - 1]);
    }

    private static int median(int[] values) {
        int[] s = values.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static int min(int[] values) {
        return java.util.Arrays.stream(values).min().orElse(0);
    }

    private static int max(int[] values) {
        return java.util.Arrays.stream(values).max().orElse(0);
    }
}
