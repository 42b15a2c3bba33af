package org.jlibp2p.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.protocol.PerfBehaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Stream;

/**
 * Connections dialled and upgraded, both ends in this JVM: TCP connect, multistream-select, the Noise XX handshake
 * (Yamux agreed inside it), Yamux, then one stream negotiated and one byte back on it (a perf exchange asking for
 * one byte). Each connection is timed from the dial to the byte's arrival, then closed; {@code concurrency}
 * connections are under way at once.
 */
final class SetupRate {
    private SetupRate() {}

    static Json run(int count, int concurrency) throws Exception {
        try (Stack.Node server = Stack.node(4 * concurrency + 64); Stack.Node client = Stack.node(4 * concurrency + 64)) {
            // Without /p2p/: every dial makes a new connection (the remote's identity is still proved and checked).
            Multiaddr address = server.listenLoopback().withoutPeerId();
            // warm-up, not counted: the handshake's X25519 and Ed25519 code needs a few thousand runs to be compiled
            measure(client, address, Math.max(2000, count), concurrency);
            long t0 = System.nanoTime();
            double[] latencies = measure(client, address, count, concurrency);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Json().put("case", "setup").put("connections", count).put("concurrency", concurrency)
                    .put("connections_per_s", count / seconds)
                    .put("p50_ms", Stats.percentile(latencies, 50)).put("p99_ms", Stats.percentile(latencies, 99));
        }
    }

    private static double[] measure(Stack.Node client, Multiaddr address, int count, int concurrency)
            throws Exception {
        double[] latencies = new double[count];
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < concurrency; w++) {
            workers.add(Thread.ofVirtual().name("setup-" + w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    try {
                        latencies[i] = once(client, address);
                    } catch (Exception e) {
                        failures.add(e);
                        return;
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        if (!failures.isEmpty()) {
            IOException e = new IOException(failures.size() + " connections failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
        return latencies;
    }

    private static double once(Stack.Node client, Multiaddr address) throws IOException {
        long t0 = System.nanoTime();
        Connection c = client.swarm().dial(address);
        try {
            Stream s = c.newStream(PerfBehaviour.PROTOCOL_ID);
            s.output().write(ByteBuffer.allocate(8).putLong(1).array());
            s.closeOutput();
            InputStream in = s.input();
            if (in.read() < 0 || in.read() >= 0) {
                throw new EOFException("expected exactly one byte back");
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            s.close();
            return ms;
        } finally {
            c.close();
        }
    }
}
