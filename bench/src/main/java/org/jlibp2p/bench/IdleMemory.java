package org.jlibp2p.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Connection;

/**
 * Secured, multiplexed connections left idle, both ends in this JVM: the heap they hold once settled (after full
 * collections), divided by the number of connections. A connection here is both of its ends (its dialler's and its
 * listener's, with their sockets, Noise and Yamux sessions and the virtual threads blocked reading them), so the
 * figure is what a node pays for one connection on each side together; one end costs about half.
 */
final class IdleMemory {
    private IdleMemory() {}

    static Json run(int count, int concurrency) throws Exception {
        try (Stack.Node server = Stack.node(count + 64); Stack.Node client = Stack.node(count + 64)) {
            Multiaddr address = server.listenLoopback().withoutPeerId();
            List<Connection> warm = dial(client, address, 50, concurrency);
            warm.forEach(Connection::close);
            waitFor(() -> server.swarm().connections().isEmpty(), 10_000);
            long before = settledHeap();
            List<Connection> open = dial(client, address, count, concurrency);
            if (!waitFor(() -> server.swarm().connections().size() >= count, 60_000)) {
                throw new IllegalStateException("the listener has " + server.swarm().connections().size() + " of "
                        + count + " connections");
            }
            Thread.sleep(1000);
            long after = settledHeap();
            long alive = open.stream().filter(Connection::isOpen).count();
            if (alive != count) {
                throw new IllegalStateException(alive + " of " + count + " connections still open");
            }
            double perConnection = (after - before) / (double) count;
            Bench.progress("idle-memory: heap " + (before >> 20) + " MiB -> " + (after >> 20) + " MiB for " + count
                    + " connections");
            return new Json().put("case", "idle-memory").put("connections", count)
                    .put("heap_bytes_per_connection", Math.round(perConnection))
                    .put("heap_bytes_per_end", Math.round(perConnection / 2));
        }
    }

    private static List<Connection> dial(Stack.Node client, Multiaddr address, int count, int concurrency)
            throws Exception {
        List<Connection> out = Collections.synchronizedList(new ArrayList<>());
        Workers.run(count, concurrency, "dials", i -> out.add(client.swarm().dial(address)));
        return out;
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, long millis)
            throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Heap in use after full collections, once it stops shrinking. */
    static long settledHeap() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= last - (64 << 10)) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }
}
