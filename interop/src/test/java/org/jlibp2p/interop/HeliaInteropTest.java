package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.ipfs.FileSharing;
import org.jlibp2p.ipfs.bitswap.BitswapBehaviour;
import org.jlibp2p.ipfs.bitswap.Fetch;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.jlibp2p.ipfs.unixfs.DirectoryExporter;
import org.jlibp2p.ipfs.unixfs.DirectoryImporter;
import org.jlibp2p.ipfs.unixfs.ImportOptions;
import org.jlibp2p.ipfs.unixfs.UnixFsImporter;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.node.Stacks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * File sharing with helia (js IPFS: helia 7, @helia/bitswap, @helia/unixfs, from interop/js/helia.mjs) on loopback,
 * TCP, Noise and Yamux: the same bytes get the same CID in both (helia's defaults and kubo's classic ones), a file
 * added in helia is fetched by our node by CID, and a file added in our node is fetched by helia; the same for
 * directory trees (plain and HAMT-sharded). Our node is what
 * {@code p2pd -bitswap} runs: a swarm with identify and ping, Bitswap and {@link FileSharing}.
 */
@Timeout(120)
class HeliaInteropTest {
    private static final int MIB = 1024 * 1024;
    private static JsScript helia;
    private static PeerId heliaPeer;
    private static Multiaddr heliaAddr;
    private static Swarm swarm;
    private static BitswapBehaviour bitswap;
    private static FileSharing files;

    /** The bytes helia.mjs generates for a size and seed. */
    private static byte[] content(int n, long seed) {
        byte[] b = new byte[n];
        long x = seed & 0xffffffffL;
        for (int i = 0; i < n; i++) {
            x = (x * 1103515245L + 12345L) & 0xffffffffL;
            b[i] = (byte) (x >>> 24);
        }
        return b;
    }

    @BeforeAll
    static void start() throws Exception {
        helia = JsScript.start("helia.mjs");
        JsonObject ready = helia.next(60);
        heliaPeer = PeerId.parse(ready.get("peerId").getAsString());
        heliaAddr = Multiaddr.parse(ready.getAsJsonArray("addrs").get(0).getAsString()).withoutPeerId();
        swarm = Stacks.tcpNoise(Keys.generateEd25519().privateKey(), Nodes.AGENT, new Yamux());
        bitswap = new BitswapBehaviour(new MemoryBlockstore());
        swarm.addBehaviour(bitswap);
        swarm.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        files = new FileSharing(bitswap, Optional.empty());
    }

    @AfterAll
    static void stop() throws Exception {
        if (helia != null) {
            helia.send(30, "cmd", "stop");
            helia.close();
        }
        if (swarm != null) {
            swarm.close();
        }
    }

    private static JsonObject ok(JsonObject answer) {
        assertTrue(answer.get("ok").getAsBoolean(), () -> "helia: " + answer);
        return answer;
    }

    private static String ourCid(byte[] data, ImportOptions o) throws Exception {
        return UnixFsImporter.importFile(new ByteArrayInputStream(data), o, new MemoryBlockstore()).root().toString();
    }

    @Test
    void theSameBytesGetTheSameCidInHeliaAndHere() throws Exception {
        for (int size : new int[] {0, 1000, MIB, 3 * MIB + 17}) {
            byte[] data = content(size, 42);
            String theirs = ok(helia.send(60, "cmd", "add", "size", size, "seed", 42)).get("cid").getAsString();
            assertEquals(theirs, ourCid(data, ImportOptions.helia()), "helia's defaults, " + size + " bytes");
        }
        for (int size : new int[] {1000, 262145, 2 * MIB + 5}) {
            byte[] data = content(size, 43);
            JsonObject a = helia.send(60, "cmd", "add", "size", size, "seed", 43, "classic", "true");
            String theirs = ok(a).get("cid").getAsString();
            assertEquals(theirs, ourCid(data, ImportOptions.kuboClassic()), "kubo's classic add, " + size + " bytes");
        }
    }

    @Test
    void aFileAddedInHeliaIsFetchedHereByCid() throws Exception {
        int size = 6 * MIB + 1234;
        String cid = ok(helia.send(60, "cmd", "add", "size", size, "seed", 7)).get("cid").getAsString();
        long started = System.nanoTime();
        Fetch f = files.fetch(Cid.parse(cid), FileSharing.GetOptions.defaults().withDht(false)
                .withPeers(List.of(new PeerInfo(heliaPeer, List.of(heliaAddr)))), p -> { });
        double seconds = (System.nanoTime() - started) / 1e9;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.export(Cid.parse(cid), out);
        assertArrayEquals(content(size, 7), out.toByteArray());
        assertTrue(f.receivedByPeer().get(heliaPeer) >= 7, "every block came from helia: " + f.receivedByPeer());
        System.out.printf("helia -> jlibp2p: %d bytes in %.2f s%n", size, seconds);
    }

    @Test
    void aFileAddedHereIsFetchedByHelia() throws Exception {
        int size = 5 * MIB + 99;
        byte[] data = content(size, 8);
        Cid cid = files.add(new ByteArrayInputStream(data), ImportOptions.helia()).root();
        Multiaddr ours = swarm.listenAddresses().getFirst().withPeerId(swarm.localPeer().multihash());
        ok(helia.send(60, "cmd", "dial", "addr", ours));
        long sent = bitswap.blocksSent();
        JsonObject got = ok(helia.send(90, "cmd", "cat", "cid", cid, "timeoutMs", 60_000));
        assertEquals(size, got.get("length").getAsLong());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                got.get("sha256").getAsString());
        assertTrue(bitswap.blocksSent() - sent >= 6, "helia got the blocks from us");
        System.out.printf("jlibp2p -> helia: %d bytes in %d ms%n", size, got.get("ms").getAsLong());
    }

    /**
     * The tree both sides import: nested directories, an empty file, a 3 MiB file, an empty directory, names whose
     * byte order differs from their character order; contents drawn from {@code seed} (each test its own, so that
     * helia holds no block of a tree it is to fetch).
     */
    private static Path tree(Path at, int seed) throws IOException {
        Files.createDirectories(at.resolve("docs/deeper/deepest"));
        Files.createDirectories(at.resolve("empty-dir"));
        Files.write(at.resolve("empty"), new byte[0]);
        Files.write(at.resolve("big.bin"), content(3 * MIB, seed));
        Files.writeString(at.resolve("docs/README"), "read me\n");
        Files.write(at.resolve("docs/deeper/deepest/x.bin"), content(70_000, seed + 1));
        Files.write(at.resolve("docs/\u00e9t\u00e9.txt"), content(10, seed + 2));
        Files.write(at.resolve("docs/Zebra"), content(11, seed + 3));
        return at;
    }

    /** 80 small files: a HAMT shard under a threshold of 1000 bytes. */
    private static Path wide(Path at) throws IOException {
        Files.createDirectories(at.resolve("sub"));
        Files.write(at.resolve("sub/inner"), content(5, 30));
        for (int i = 0; i < 80; i++) {
            Files.write(at.resolve("f" + i), content(100 + i, i));
        }
        return at;
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        List<String> names;
        try (var s = Files.walk(expected)) {
            names = s.map(p -> expected.relativize(p).toString()).sorted().toList();
        }
        try (var s = Files.walk(actual)) {
            assertEquals(names, s.map(p -> actual.relativize(p).toString()).sorted().toList());
        }
        for (String n : names) {
            if (Files.isRegularFile(expected.resolve(n))) {
                assertArrayEquals(Files.readAllBytes(expected.resolve(n)), Files.readAllBytes(actual.resolve(n)), n);
            } else {
                assertTrue(Files.isDirectory(actual.resolve(n)), n);
            }
        }
    }

    @Test
    void theSameTreeGetsTheSameCidInHeliaAndHere(@TempDir Path dir) throws Exception {
        Path t = tree(dir.resolve("tree"), 21);
        String theirs = ok(helia.send(60, "cmd", "addTree", "dir", t)).get("cid").getAsString();
        assertEquals(theirs, DirectoryImporter.importDirectory(t, ImportOptions.helia(), new MemoryBlockstore())
                .root().toString(), "helia's defaults");
        String classic = ok(helia.send(60, "cmd", "addTree", "dir", t, "classic", "true")).get("cid").getAsString();
        assertEquals(classic, DirectoryImporter.importDirectory(t, ImportOptions.kuboClassic(),
                new MemoryBlockstore()).root().toString(), "kubo's classic options");
        assertTrue(classic.startsWith("Qm"), classic);
        Path w = wide(dir.resolve("wide"));
        for (boolean kubo : new boolean[] {false, true}) {
            JsonObject a = kubo
                    ? helia.send(60, "cmd", "addTree", "dir", w, "classic", "true", "shardSplitThresholdBytes", 1000)
                    : helia.send(60, "cmd", "addTree", "dir", w, "shardSplitThresholdBytes", 1000);
            assertEquals(ok(a).get("cid").getAsString(), DirectoryImporter.importDirectory(w,
                    kubo ? ImportOptions.kuboClassic() : ImportOptions.helia(), 1000, new MemoryBlockstore())
                    .root().toString(), "sharded, kubo's classic options: " + kubo);
        }
    }

    @Test
    void aTreeAddedInHeliaIsFetchedHereWholeAndByPath(@TempDir Path dir) throws Exception {
        Path t = tree(dir.resolve("tree"), 31);
        Path w = wide(dir.resolve("wide"));
        FileSharing.GetOptions o = FileSharing.GetOptions.defaults().withDht(false)
                .withPeers(List.of(new PeerInfo(heliaPeer, List.of(heliaAddr))));
        String cid = ok(helia.send(60, "cmd", "addTree", "dir", t)).get("cid").getAsString();
        DirectoryExporter.Result r = files.get(Cid.parse(cid), "", dir.resolve("out"), o, p -> { });
        assertEquals(6, r.files());
        assertSameTree(t, dir.resolve("out"));
        // the same tree as kubo's classic add makes it (CIDv0, leaves as UnixFS file nodes): other blocks
        String classic = ok(helia.send(60, "cmd", "addTree", "dir", t, "classic", "true")).get("cid").getAsString();
        files.get(Cid.parse(classic), "", dir.resolve("out-classic"), o, p -> { });
        assertSameTree(t, dir.resolve("out-classic"));
        // a sharded directory of helia's, read whole and through a path into it
        String sharded = ok(helia.send(60, "cmd", "addTree", "dir", w, "shardSplitThresholdBytes", 1000))
                .get("cid").getAsString();
        files.get(Cid.parse(sharded), "", dir.resolve("out-wide"), o, p -> { });
        assertSameTree(w, dir.resolve("out-wide"));
        files.get(Cid.parse(sharded), "sub/inner", dir.resolve("inner"), o, p -> { });
        assertArrayEquals(content(5, 30), Files.readAllBytes(dir.resolve("inner")));
    }

    @Test
    void aTreeAddedHereIsFetchedByHelia(@TempDir Path dir) throws Exception {
        Path t = tree(dir.resolve("tree"), 41);
        Cid cid = files.addDirectory(t, ImportOptions.helia()).root();
        Multiaddr ours = swarm.listenAddresses().getFirst().withPeerId(swarm.localPeer().multihash());
        ok(helia.send(60, "cmd", "dial", "addr", ours));
        long sent = bitswap.blocksSent();
        JsonObject got = ok(helia.send(90, "cmd", "getTree", "cid", cid, "dir", dir.resolve("by-helia"),
                "timeoutMs", 60_000));
        assertEquals(6, got.get("files").getAsInt());
        assertSameTree(t, dir.resolve("by-helia"));
        assertTrue(bitswap.blocksSent() - sent >= 10, "helia got the blocks from us");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs p2pctl as a process; returns what it printed, failing on a non-zero status. */
    private static String p2pctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "--sun-misc-unsafe-memory-access=allow", "-cp",
                System.getProperty("java.class.path"), "org.jlibp2p.node.P2pctl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "p2pctl ended");
        assertEquals(0, p.exitValue(), () -> "p2pctl " + String.join(" ", args) + ": " + out);
        return out;
    }

    @Test
    void ourDaemonFetchesFromHeliaAndServesHeliaThroughP2pctl(@TempDir Path dir) throws Exception {
        Process daemon = new ProcessBuilder(java(), "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), "org.jlibp2p.node.P2pd", "-bitswap", "-blockstore",
                dir.resolve("blocks").toString(), "-listen", "/unix" + dir.resolve("p2pd.sock"), "-hostAddrs",
                "/ip4/127.0.0.1/tcp/0").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader r = daemon.inputReader(StandardCharsets.UTF_8);
            String control = r.readLine();
            String id = r.readLine();
            r.readLine();
            String addr = r.readLine();
            if (control == null || id == null || addr == null) {
                throw new IOException("the daemon did not print its control socket, peer id and address");
            }
            String sock = control.substring("Control socket: ".length());
            String peer = id.substring("Peer ID: ".length());
            // helia -> our daemon, by CID, with JSON progress
            int size = 4 * MIB + 321;
            String cid = ok(helia.send(60, "cmd", "add", "size", size, "seed", 11)).get("cid").getAsString();
            Path out = dir.resolve("from-helia.bin");
            String lines = p2pctl("-control", sock, "get", cid, "-o", out.toString(), "--json", "--peer",
                    heliaAddr + "/p2p/" + heliaPeer);
            assertArrayEquals(content(size, 11), Files.readAllBytes(out));
            assertTrue(lines.strip().endsWith("}") && lines.contains("\"done\":true"), lines);
            // our daemon -> helia: p2pctl add prints the CID helia then fetches
            byte[] data = content(3 * MIB + 1, 12);
            Path in = dir.resolve("to-helia.bin");
            Files.write(in, data);
            String ours = p2pctl("-control", sock, "add", in.toString()).strip();
            ok(helia.send(60, "cmd", "dial", "addr", addr + "/p2p/" + peer));
            JsonObject got = ok(helia.send(90, "cmd", "cat", "cid", ours, "timeoutMs", 60_000));
            assertEquals(data.length, got.get("length").getAsLong());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                    got.get("sha256").getAsString());
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }
}
