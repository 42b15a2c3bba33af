package org.jlibp2p.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.gossipsub.GossipsubConfig;
import org.jlibp2p.gossipsub.RouterMode;
import org.jlibp2p.gossipsub.SignaturePolicy;

/**
 * The pubsub case: one node (the hub, in this JVM) with {@code peers} subscribers (in a child JVM, {@link
 * PubsubPeers}), each connected to the hub alone over TCP, Noise and Yamux, all on one topic, messages signed and
 * checked (the default, strict signing). Measured, for each message size:
 *
 * <ul>
 *   <li><b>fan-out</b>: the hub publishes; a run ends when every subscriber has received every message (the hub
 *       floods its own messages to all its topic peers, so each message is sent {@code peers} times);
 *   <li><b>fan-in</b>: the subscribers publish, taking turns; a run ends when the hub has received every message
 *       (the hub also forwards each to its mesh and gossips about it, as a router in the middle of a network does);
 *   <li>the hub's heap per subscribed peer, settled after full collections, before any message: the connection
 *       (socket, Noise, Yamux) and the pubsub state of the peer together.
 * </ul>
 *
 * <p>Messages go in batches of {@value #BATCH} (half a peer's send queue), the next batch once the last one has
 * arrived everywhere, so that no queue overflows and nothing is dropped; a batch not delivered within 60 s fails the
 * case. Rates are the medians over the runs.
 */
final class PubsubBench {
    static final int BATCH = 128;
    private static final String TOPIC = "bench";
    private static final long BATCH_DEADLINE_MILLIS = 60_000;

    private PubsubBench() {}

    /** One message size and how many messages a run sends. */
    record Size(int bytes, int messages) {}

    /**
     * The router's configuration: go-libp2p-pubsub's defaults, with {@code router} (gossipsub or floodsub) and
     * {@code signing}: strict (every message signed by its author and checked by every receiver, the default) or
     * anonymous (no author, no signature, ids from the content, as Ethereum's consensus layer runs gossipsub).
     */
    static GossipsubConfig config(String router, String signing) {
        GossipsubConfig.Builder b = GossipsubConfig.builder().mode(switch (router) {
            case "gossipsub" -> RouterMode.GOSSIPSUB;
            case "floodsub" -> RouterMode.FLOODSUB;
            default -> throw new IllegalArgumentException("unknown router " + router + " (gossipsub or floodsub)");
        });
        return b.signaturePolicy(switch (signing) {
            case "strict" -> SignaturePolicy.STRICT_SIGN;
            case "anonymous" -> SignaturePolicy.ANONYMOUS;
            default -> throw new IllegalArgumentException("unknown signing " + signing + " (strict or anonymous)");
        }).build();
    }

    /** Makes {@code data} unique to {@code sequence}, so that ids from the content never repeat. */
    static void stamp(byte[] data, long sequence) {
        for (int i = 0; i < Math.min(8, data.length); i++) {
            data[i] = (byte) (sequence >>> (8 * i));
        }
    }

    /** CPU time of this whole process so far, in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static List<Json> run(String router, String signing, int peers, int runs, List<Size> sizes) throws Exception {
        List<Json> lines = new ArrayList<>();
        AtomicLong hubReceived = new AtomicLong();
        Object progress = new Object();
        try (Stack.PubsubNode hub = Stack.pubsubNode(config(router, signing))) {
            Multiaddr address = hub.node().listenLoopback();
            hub.pubsub().subscribe(TOPIC, message -> {
                hubReceived.incrementAndGet();
                synchronized (progress) {
                    progress.notifyAll();
                }
            });
            long heapAlone = IdleMemory.settledHeap();
            try (Child child = Child.start(address, peers, router, signing)) {
                child.expect("ready", 120_000);
                long end = System.currentTimeMillis() + 60_000;
                while (hub.pubsub().peers(TOPIC).size() < peers) {
                    if (System.currentTimeMillis() > end) {
                        throw new IllegalStateException("the hub knows " + hub.pubsub().peers(TOPIC).size() + " of "
                                + peers + " subscribers");
                    }
                    Thread.sleep(20);
                }
                Thread.sleep(3000); // a few heartbeats: the mesh settles
                long heapWithPeers = IdleMemory.settledHeap();
                double perPeer = (heapWithPeers - heapAlone) / (double) peers;
                Bench.progress("pubsub: hub heap " + (heapAlone >> 20) + " MiB alone, " + (heapWithPeers >> 20)
                        + " MiB with " + peers + " subscribed peers");
                lines.add(new Json().put("case", "pubsub-memory").put("router", router).put("signing", signing)
                        .put("peers", peers)
                        .put("heap_bytes_per_subscribed_peer", Math.round(perPeer)));

                // Fan-out first, for all sizes: until the fan-in runs, the hub is the subscribers' only source, so
                // each one's count is exactly what the hub published.
                long perSubscriber = 0;
                long published = 0;
                for (Size size : sizes) {
                    double[] rates = new double[runs];
                    double[] cpu = new double[runs];
                    for (int r = -1; r < runs; r++) { // run -1 warms up
                        long start = System.nanoTime();
                        long cpuStart = processCpuNanos();
                        byte[] data = new byte[size.bytes()];
                        for (int sent = 0; sent < size.messages(); sent += BATCH) {
                            int n = Math.min(BATCH, size.messages() - sent);
                            for (int i = 0; i < n; i++) {
                                stamp(data, published++);
                                hub.pubsub().publish(TOPIC, data);
                            }
                            perSubscriber += n;
                            long reached = child.waitFor(perSubscriber);
                            if (reached < perSubscriber) {
                                throw new IllegalStateException("fan-out of " + size.bytes() + " B: a subscriber has "
                                        + reached + " of " + perSubscriber + " messages after "
                                        + BATCH_DEADLINE_MILLIS / 1000 + " s");
                            }
                        }
                        if (r >= 0) {
                            rates[r] = size.messages() / ((System.nanoTime() - start) / 1e9);
                            cpu[r] = (processCpuNanos() - cpuStart) / 1e3 / size.messages();
                        }
                    }
                    lines.add(result(router, signing, "fan-out", size, peers, rates, cpu, peers));
                }
                for (Size size : sizes) {
                    double[] rates = new double[runs];
                    double[] cpu = new double[runs];
                    for (int r = -1; r < runs; r++) {
                        long start = System.nanoTime();
                        long cpuStart = processCpuNanos();
                        for (int sent = 0; sent < size.messages(); sent += BATCH) {
                            int n = Math.min(BATCH, size.messages() - sent);
                            long target = hubReceived.get() + n;
                            child.command("publish " + n + " " + size.bytes(), "published");
                            long deadline = System.nanoTime() + BATCH_DEADLINE_MILLIS * 1_000_000;
                            synchronized (progress) {
                                while (hubReceived.get() < target) {
                                    long left = (deadline - System.nanoTime()) / 1_000_000;
                                    if (left <= 0) {
                                        throw new IllegalStateException("fan-in of " + size.bytes() + " B: the hub "
                                                + "is " + (target - hubReceived.get()) + " messages short after "
                                                + BATCH_DEADLINE_MILLIS / 1000 + " s");
                                    }
                                    progress.wait(left);
                                }
                            }
                        }
                        if (r >= 0) {
                            rates[r] = size.messages() / ((System.nanoTime() - start) / 1e9);
                            cpu[r] = (processCpuNanos() - cpuStart) / 1e3 / size.messages();
                        }
                    }
                    lines.add(result(router, signing, "fan-in", size, peers, rates, cpu, 1));
                }
            }
        }
        return lines;
    }

    private static Json result(String router, String signing, String direction, Size size, int peers,
            double[] rates, double[] cpuMicros, int copiesPerMessage) {
        double median = Stats.median(rates);
        Bench.progress("pubsub " + signing + " " + direction + " " + size.bytes() + " B: " + Math.round(median)
                + " messages/s, hub CPU " + Math.round(Stats.median(cpuMicros)) + " us per message");
        return new Json().put("case", "pubsub").put("router", router).put("signing", signing)
                .put("direction", direction)
                .put("message_bytes", size.bytes()).put("peers", peers).put("messages_per_run", size.messages())
                .put("runs", rates.length).put("messages_per_second", median)
                .put("deliveries_per_second", median * copiesPerMessage)
                .put("payload_mib_per_second", median * copiesPerMessage * size.bytes() / (1 << 20))
                .put("messages_per_second_min", Stats.percentile(rates, 0))
                .put("messages_per_second_max", Stats.percentile(rates, 100))
                .put("hub_cpu_us_per_message", Stats.median(cpuMicros));
    }

    /** The child JVM of {@link PubsubPeers}, and its answers line by line. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final PrintStream commands;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        private Child(Process process) {
            this.process = process;
            this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread.ofVirtual().name("pubsub-peers-reader").start(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        answers.add(line);
                    }
                } catch (Exception e) {
                    // the child ended; expect() reports it
                }
            });
        }

        static Child start(Multiaddr hub, int peers, String router, String signing) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-Xmx2g", "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), PubsubPeers.class.getName(), hub.toString(),
                    Integer.toString(peers), TOPIC, router, signing)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Child(p);
        }

        String expect(String prefix, long millis) throws InterruptedException {
            String line = answers.poll(millis, TimeUnit.MILLISECONDS);
            if (line == null || !line.startsWith(prefix)) {
                throw new IllegalStateException("the subscribers' process answered " + line + " instead of "
                        + prefix + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
            }
            return line;
        }

        String command(String command, String answer) throws InterruptedException {
            commands.println(command);
            return expect(answer, BATCH_DEADLINE_MILLIS + 10_000);
        }

        /** Waits until every subscriber has {@code n} messages, or the batch deadline; returns the fewest any has. */
        long waitFor(long n) throws InterruptedException {
            String line = command("wait " + n + " " + BATCH_DEADLINE_MILLIS, "reached ");
            return Long.parseLong(line.substring("reached ".length()).trim());
        }

        @Override
        public void close() throws InterruptedException {
            commands.println("quit");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
