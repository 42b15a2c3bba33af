package org.jlibp2p.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.gossipsub.GossipsubConfig;

/**
 * The far side of the pubsub case, in a JVM of its own so that the hub's heap holds only the hub: {@code count}
 * nodes that each dial the hub and subscribe to one topic, then obey one command per line on standard input and
 * answer one line on standard output.
 *
 * <pre>
 * (at start)          prints "ready" once every node is connected and subscribed
 * wait N MILLIS       waits until every node has received at least N messages, or MILLIS pass;
 *                     prints "reached M", M the fewest messages any node has received
 * publish K SIZE      publishes K messages of SIZE bytes, the nodes taking turns; prints "published"
 * quit                closes the nodes and exits
 * </pre>
 *
 * <p>Usage: {@code PubsubPeers HUB-MULTIADDR COUNT TOPIC gossipsub|floodsub strict|anonymous}.
 */
public final class PubsubPeers {
    private PubsubPeers() {}

    public static void main(String[] args) throws Exception {
        Multiaddr hub = Multiaddr.parse(args[0]);
        int count = Integer.parseInt(args[1]);
        String topic = args[2];
        GossipsubConfig config = PubsubBench.config(args[3], args[4]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        List<Stack.PubsubNode> nodes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong[] received = new AtomicLong[count];
        Object progress = new Object();
        long[] awaited = {Long.MAX_VALUE};
        try {
            for (int i = 0; i < count; i++) {
                received[i] = new AtomicLong();
                nodes.add(Stack.pubsubNode(config));
            }
            Workers.run(count, 8, "dials of the hub", i -> nodes.get(i).swarm().dial(hub));
            for (int i = 0; i < count; i++) {
                AtomicLong mine = received[i];
                nodes.get(i).pubsub().subscribe(topic, message -> {
                    long now = mine.incrementAndGet();
                    synchronized (progress) {
                        if (now >= awaited[0]) {
                            progress.notifyAll();
                        }
                    }
                });
            }
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            long sequence = 1L << 62; // apart from the hub's numbers, which start at 0
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                String[] words = line.trim().split(" ");
                switch (words[0]) {
                    case "wait" -> {
                        long target = Long.parseLong(words[1]);
                        long deadline = System.nanoTime() + Long.parseLong(words[2]) * 1_000_000;
                        long fewest;
                        synchronized (progress) {
                            awaited[0] = target;
                            while ((fewest = fewest(received)) < target) {
                                long left = (deadline - System.nanoTime()) / 1_000_000;
                                if (left <= 0) {
                                    break;
                                }
                                progress.wait(left);
                            }
                            awaited[0] = Long.MAX_VALUE;
                        }
                        out.println("reached " + fewest);
                    }
                    case "publish" -> {
                        int k = Integer.parseInt(words[1]);
                        byte[] data = new byte[Integer.parseInt(words[2])];
                        for (int i = 0; i < k; i++, sequence++) {
                            PubsubBench.stamp(data, sequence);
                            nodes.get((int) (sequence % count)).pubsub().publish(topic, data);
                        }
                        out.println("published");
                    }
                    default -> throw new IllegalArgumentException("unknown command " + line);
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            nodes.forEach(Stack.PubsubNode::close);
            System.exit(1);
        }
        nodes.forEach(Stack.PubsubNode::close);
        System.exit(0);
    }

    private static long fewest(AtomicLong[] received) {
        long min = Long.MAX_VALUE;
        for (AtomicLong r : received) {
            min = Math.min(min, r.get());
        }
        return min;
    }
}
