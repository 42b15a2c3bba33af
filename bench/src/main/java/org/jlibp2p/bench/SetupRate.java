package org.jlibp2p.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.protocols.perf.PerfBehaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Stream;

/**
 * Connections dialled and upgraded, both ends in this JVM: TCP connect, multistream-select, the Noise XX handshake
 * (Yamux agreed inside it), Yamux, then one stream negotiated and one byte back on it (a perf exchange asking for
 * one byte). Each connection is timed from the dial to the byte's arrival, then closed; {@code concurrency}
 * connections are under way at once.
 *
 * <p>The figure is the steady state of a running node: the JIT takes about 12 s of compiler time (on 2 cores) to
 * compile the handshake path, during which the rate climbs from about 300 to over 1,000 connections a second, so
 * the case first dials for {@code warmupSeconds} uncounted, then times {@code runs} runs of {@code count}
 * connections and reports the median run's rate, with p50 and p99 latency over all of them.
 */
final class SetupRate {
    private SetupRate() {}

    static Json run(int count, int concurrency, int runs, int warmupSeconds) throws Exception {
        try (Stack.Node server = Stack.node(4 * concurrency + 64); Stack.Node client = Stack.node(4 * concurrency + 64)) {
            // Without /p2p/: every dial makes a new connection (the remote's identity is still proved and checked).
            Multiaddr address = server.listenLoopback().withoutPeerId();
            long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            int warmup = 0;
            do {
                measure(client, address, 500, concurrency);
                warmup += 500;
            } while (System.nanoTime() - warmupEnd < 0);
            Bench.progress("setup warm-up: " + warmup + " connections in " + warmupSeconds + " s");
            double[] rates = new double[runs];
            double[] latencies = new double[runs * count];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                double[] l = measure(client, address, count, concurrency);
                rates[r] = count / ((System.nanoTime() - t0) / 1e9);
                System.arraycopy(l, 0, latencies, r * count, count);
                Bench.progress(String.format(java.util.Locale.ROOT, "setup run %d: %.0f connections/s", r + 1,
                        rates[r]));
            }
            return new Json().put("case", "setup").put("connections", count).put("concurrency", concurrency)
                    .put("connections_per_s", Stats.median(rates))
                    .put("p50_ms", Stats.percentile(latencies, 50)).put("p99_ms", Stats.percentile(latencies, 99))
                    .put("runs", runs).put("warmup_connections", warmup);
        }
    }

    private static double[] measure(Stack.Node client, Multiaddr address, int count, int concurrency)
            throws Exception {
        double[] latencies = new double[count];
        Workers.run(count, concurrency, "connections", i -> latencies[i] = once(client, address));
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
