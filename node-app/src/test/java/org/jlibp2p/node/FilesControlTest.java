package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.jlibp2p.ipfs.unixfs.ImportOptions;
import org.jlibp2p.ipfs.unixfs.UnixFsImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** p2pctl add and get against daemons run with -bitswap: in this JVM, and as a process killed midway. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FilesControlTest {
    @TempDir
    Path dir;

    private static byte[] content(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = P2pctl.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, () -> "p2pctl " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String cidOf(byte[] data, ImportOptions o) throws Exception {
        return UnixFsImporter.importFile(new ByteArrayInputStream(data), o, new MemoryBlockstore()).root().toString();
    }

    @Test
    void theProgressBarShowsBytesRateEtaAndPeers() throws Exception {
        org.jlibp2p.core.multiformats.Cid cid = org.jlibp2p.core.multiformats.Cid.parse(
                "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
        String bar = FilesCli.bar(new org.jlibp2p.node.control.FilesCodec.Progress(cid, 0, 10, 42L << 20, 100L << 20,
                40L << 20, 3, java.time.Duration.ofSeconds(10), false));
        assertEquals("[#############-----------------]  42%  42.0 MiB / 100.0 MiB  4.0 MiB/s  ETA 15s  3 peers ", bar);
    }

    @Test
    void withoutBitswapTheFilesRequestsSaySo() throws Exception {
        try (P2pd.Daemon a = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "plain")) {
            Path file = dir.resolve("x");
            Files.write(file, new byte[] {1});
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = P2pctl.run(new String[] {"-control", a.control().address().toString(), "add", file.toString()},
                    new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(1, status);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("bitswap not enabled"), err.toString());
        }
    }

    @Test
    void aFileAddedInOneDaemonIsFetchedByAnotherWithJsonProgress() throws Exception {
        byte[] data = content(5 * 1024 * 1024 + 123, 1);
        Path file = dir.resolve("in.bin");
        Files.write(file, data);
        try (P2pd.Daemon a = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "a", "-bitswap", "-blockstore",
                dir.resolve("a-blocks").toString());
                P2pd.Daemon b = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "b", "-bitswap", "-blockstore",
                        dir.resolve("b-blocks").toString())) {
            String ca = a.control().address().toString();
            String cid = run("-control", ca, "add", file.toString()).trim();
            assertEquals(cidOf(data, ImportOptions.helia()), cid);
            String v0 = run("-control", ca, "add", "--cid-version", "0", file.toString()).trim();
            assertEquals(cidOf(data, ImportOptions.kuboClassic()), v0);
            assertTrue(v0.startsWith("Qm"));
            String peer = a.addresses().getFirst() + "/p2p/" + a.swarm().localPeer();
            Path out = dir.resolve("out.bin");
            String lines = run("-control", b.control().address().toString(), "get", cid, "-o", out.toString(),
                    "--json", "--peer", peer);
            assertArrayEquals(data, Files.readAllBytes(out));
            String[] each = lines.strip().split("\n");
            String last = each[each.length - 1];
            assertTrue(last.contains("\"done\":true") && last.contains("\"size\":" + data.length), last);
            // and the classic CIDv0 DAG, from the same blocks' neighbours
            Path out0 = dir.resolve("out0.bin");
            run("-control", b.control().address().toString(), "get", v0, "-o", out0.toString(), "--peer", peer);
            assertArrayEquals(data, Files.readAllBytes(out0));
        }
    }

    @Test
    void aTreeAddedInOneDaemonIsFetchedWholeAndByPathByAnother() throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("docs/empty"));
        Files.write(tree.resolve("docs/readme.txt"), "read me\n".getBytes(StandardCharsets.UTF_8));
        Files.write(tree.resolve("data.bin"), content(1_500_000, 3));
        Files.write(tree.resolve("none"), new byte[0]);
        try (P2pd.Daemon a = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "a", "-bitswap", "-blockstore",
                dir.resolve("a-blocks").toString());
                P2pd.Daemon b = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "b", "-bitswap", "-blockstore",
                        dir.resolve("b-blocks").toString())) {
            String ca = a.control().address().toString();
            String cb = b.control().address().toString();
            String cid = run("-control", ca, "add", "-r", tree.toString()).trim();
            assertEquals(org.jlibp2p.ipfs.unixfs.DirectoryImporter.importDirectory(tree, ImportOptions.helia(),
                    new MemoryBlockstore()).root().toString(), cid);
            String json = run("-control", ca, "add", "--json", "--cid-version", "0", tree.toString()).trim();
            assertTrue(json.matches("\\{\"cid\":\"Qm\\w+\",\"size\":1500008,\"blocks\":\\d+,\"files\":3,"
                    + "\"directories\":3}"), json);
            String peer = a.addresses().getFirst() + "/p2p/" + a.swarm().localPeer();
            Path out = dir.resolve("out");
            String said = run("-control", cb, "get", cid, "-o", out.toString(), "--peer", peer).trim();
            assertEquals(out + " 3 files, 3 directories, 1500008 bytes", said);
            assertArrayEquals(Files.readAllBytes(tree.resolve("data.bin")), Files.readAllBytes(out.resolve("data.bin")));
            assertEquals("read me\n", Files.readString(out.resolve("docs/readme.txt")));
            assertEquals(0, Files.size(out.resolve("none")));
            assertTrue(Files.isDirectory(out.resolve("docs/empty")));
            Path one = dir.resolve("readme");
            run("-control", cb, "get", "/ipfs/" + cid + "/docs/readme.txt", "-o", one.toString(), "--peer", peer);
            assertEquals("read me\n", Files.readString(one));
            // a tree is never written over what exists
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = P2pctl.run(new String[] {"-control", cb, "get", cid, "-o", out.toString(), "--peer", peer},
                    new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(1, status);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(out.toString()), err.toString());
            status = P2pctl.run(new String[] {"-control", cb, "get", cid + "/docs/nope", "-o",
                dir.resolve("nope").toString(), "--peer", peer}, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(1, status);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("docs/nope"), err.toString());
        }
    }

    /** An output stream that runs {@code onLine} for every line written. */
    private static final class Lines extends OutputStream {
        private final StringBuilder line = new StringBuilder();
        private final List<String> all = new ArrayList<>();
        private final java.util.function.Consumer<String> onLine;

        Lines(java.util.function.Consumer<String> onLine) {
            this.onLine = onLine;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                all.add(line.toString());
                onLine.accept(line.toString());
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void aFetchResumesAfterTheFetchingDaemonIsKilled() throws Exception {
        byte[] data = content(96 * 1024 * 1024, 2);
        Path file = dir.resolve("big.bin");
        Files.write(file, data);
        Path blocks = dir.resolve("b-blocks");
        try (P2pd.Daemon a = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "a", "-bitswap", "-blockstore",
                dir.resolve("a-blocks").toString());
                DaemonProcesses procs = new DaemonProcesses(dir)) {
            String cid = run("-control", a.control().address().toString(), "add", "--chunk-size", "262144",
                    file.toString()).trim();
            String peer = a.addresses().getFirst() + "/p2p/" + a.swarm().localPeer();
            Path out = dir.resolve("out.bin");
            String[] flags = {"-listen", "/unix" + dir.resolve("b.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0",
                "-bitswap", "-blockstore", blocks.toString()};
            Process b = procs.launch("b", "256m", flags);
            DaemonProcesses.awaitReady(b);
            AtomicBoolean killed = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong storedAtKill = new java.util.concurrent.atomic.AtomicLong();
            Lines first = new Lines(l -> {
                long total = field(l, "total");
                if (total > 0 && field(l, "fetched") > total / 4 && !killed.getAndSet(true)) {
                    storedAtKill.set(field(l, "bytes")); // reported only once stored
                    b.destroyForcibly(); // our own daemon process, by its handle
                }
            });
            int status = P2pctl.run(new String[] {"-control", "/unix" + dir.resolve("b.sock"), "get", cid, "-o",
                out.toString(), "--json", "--peer", peer}, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(first, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
            assertTrue(killed.get(), "killed during the fetch");
            assertEquals(1, status, "the first get fails with its daemon");
            assertTrue(b.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Files.notExists(out), "no partial file is left where the file goes");
            Process b2 = procs.launch("b2", "256m", flags);
            DaemonProcesses.awaitReady(b2);
            String lines = run("-control", "/unix" + dir.resolve("b.sock"), "get", cid, "-o", out.toString(),
                    "--json", "--peer", peer);
            assertArrayEquals(data, Files.readAllBytes(out));
            String[] each = lines.strip().split("\n");
            String last = each[each.length - 1];
            long total = field(last, "total");
            long fetched = field(last, "fetched");
            assertEquals(total, field(last, "bytes"));
            assertTrue(fetched <= total - storedAtKill.get(), "the second run fetched only what the first had not "
                    + "stored: " + fetched + " of " + total + ", " + storedAtKill.get() + " stored before the kill");
            assertTrue(storedAtKill.get() > total / 4);
            System.out.printf("resume: the second run fetched %d of %d bytes%n", fetched, total);
        }
    }
}
