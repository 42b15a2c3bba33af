package org.jlibp2p.ipfs.unixfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.TestBytes;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory trees: the root CIDs are those js {@code @helia/unixfs} 8.0.5 ({@code ipfs-unixfs-importer} 17.1.1)
 * {@code addAll} gives for the same trees (files and empty directories as entries under one root name), with its
 * defaults and with kubo's classic options; export writes back what was imported; crafted directories that try to
 * write outside the target are refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public class DirectoryTest {
    @TempDir
    Path tmp;

    /** a.txt, an empty file, a 2-chunk file, sub/{Zed, ünïcode, zz, nested/deep.txt}, an empty directory. */
    public static Path tree(Path at) throws IOException {
        Files.createDirectories(at.resolve("sub/nested"));
        Files.createDirectories(at.resolve("emptydir"));
        Files.write(at.resolve("a.txt"), "hello world\n".getBytes(StandardCharsets.UTF_8));
        Files.write(at.resolve("empty"), new byte[0]);
        Files.write(at.resolve("big.bin"), TestBytes.of(1_100_000, 7));
        Files.write(at.resolve("sub/nested/deep.txt"), TestBytes.of(5000, 3));
        Files.write(at.resolve("sub/Zed"), new byte[] {'Z'});
        Files.write(at.resolve("sub/\u00fcn\u00efcode"), new byte[] {'u'});
        Files.write(at.resolve("sub/zz"), new byte[] {'z', 'z'});
        return at;
    }

    /** 60 small files and d/e/x: sharded under a threshold of 500 bytes, flat under helia's default. */
    static Path manyFiles(Path at) throws IOException {
        Files.createDirectories(at.resolve("d/e"));
        Files.write(at.resolve("d/e/x"), new byte[] {'x'});
        for (int i = 0; i < 60; i++) {
            Files.write(at.resolve(String.format("file-%04d.txt", i)), TestBytes.of(10 + i, i));
        }
        return at;
    }

    @Test
    void treeGetsHeliasCids() throws IOException {
        Path t = tree(tmp.resolve("t1"));
        MemoryBlockstore store = new MemoryBlockstore();
        DirectoryImporter.Result r = DirectoryImporter.importDirectory(t, ImportOptions.helia(), store);
        assertEquals("bafybeielphkoofiqfvydidq5wbagmndxeyoypoyed6urlyq2ot4rkpobri", r.root().toString());
        assertEquals(7, r.files());
        assertEquals(4, r.directories());
        assertEquals(12 + 1_100_000 + 5000 + 1 + 1 + 2, r.bytes());
        DirectoryImporter.Result classic = DirectoryImporter.importDirectory(t, ImportOptions.kuboClassic(), store);
        assertEquals("QmUfwE3VohphAE7QsVinUkm3jVHVWAb8yZFXaHAjYg6ySn", classic.root().toString());
    }

    @Test
    void shardedDirectoriesGetHeliasCids() throws IOException {
        Path t = manyFiles(tmp.resolve("h1"));
        MemoryBlockstore store = new MemoryBlockstore();
        assertEquals("bafybeie5mzkii2lu7r4jb3tfyl7avf34latch3p2lkommvg5bzs4ji76ui",
                DirectoryImporter.importDirectory(t, ImportOptions.helia(), store).root().toString());
        Cid sharded = DirectoryImporter.importDirectory(t, ImportOptions.helia(), 500, store).root();
        assertEquals("bafybeiajs5fq5cpzjtp6indek7rj2ri4cjyhwwcftg2lo6ygupfflmfelq", sharded.toString());
        assertEquals("QmUxPjZfiPhhYCq461EAcAEQJcbm7ivAi3WysCvy58NF67",
                DirectoryImporter.importDirectory(t, ImportOptions.kuboClassic(), 500, store).root().toString());
        DagPb.Node root = DagPb.decode(store.get(sharded).orElseThrow().data());
        assertEquals(UnixFsData.Type.HAMT_SHARD, UnixFsData.decode(root.data().orElseThrow()).type());
        assertEquals(61, DirectoryExporter.list(sharded, store::get).size());
        Cid x = DirectoryExporter.resolve(sharded, "d/e/x", store::get);
        // a lookup follows the hash through the shard's levels to the same entry a listing finds
        for (DirectoryExporter.Entry e : DirectoryExporter.list(sharded, store::get)) {
            assertEquals(e.cid(), DirectoryExporter.lookup(sharded, e.name(), store::get).orElseThrow(), e.name());
        }
        assertTrue(DirectoryExporter.lookup(sharded, "file-9999.txt", store::get).isEmpty());
        int[] reads = {0};
        DirectoryExporter.lookup(sharded, "file-0042.txt", c -> {
            reads[0]++;
            return store.get(c);
        });
        // 61 entries over 256 slots: the root shard and at most one sub-shard on the way, of the shard's blocks
        assertTrue(reads[0] >= 1 && reads[0] <= 2, "blocks read by one lookup: " + reads[0]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UnixFsExporter.export(x, store::get, out);
        assertEquals("x", out.toString(StandardCharsets.UTF_8));
        Path back = tmp.resolve("back");
        DirectoryExporter.Result w = DirectoryExporter.export(sharded, store::get, back);
        assertEquals(61, w.files());
        assertSameTree(t, back);
    }

    @Test
    void aDirectoryIsShardedOnlyPastTheThreshold() throws IOException {
        // ten files f0..f9: helia's estimate is 10 x (2 name bytes + 36 CID bytes) = 380, or 360 with CIDv0
        Path t = Files.createDirectories(tmp.resolve("b1"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(t.resolve("f" + i), "content " + i);
        }
        MemoryBlockstore store = new MemoryBlockstore();
        assertEquals("bafybeif2wmq6x2vp33jyqr53jujb54gzel3e6vkrfokem2w5g6kqdaxofq",
                DirectoryImporter.importDirectory(t, ImportOptions.helia(), 380, store).root().toString());
        assertEquals("bafybeihn5fj2lod3khur3is4mu7smablebcrt4kf65serplixvzz3f6iou",
                DirectoryImporter.importDirectory(t, ImportOptions.helia(), 379, store).root().toString());
        assertEquals("QmNspU5Ab4wegzgqkpA6tUPkujJHCDTsjJdDp3ZYC7PXuK",
                DirectoryImporter.importDirectory(t, ImportOptions.kuboClassic(), 360, store).root().toString());
        assertEquals("QmVu4KS5uKhNDFmSPmvbQreSLhCaQj2SZG1z5GYRHBGvUH",
                DirectoryImporter.importDirectory(t, ImportOptions.kuboClassic(), 359, store).root().toString());
    }

    @Test
    void anEmptyDirectoryIsTheWellKnownOne() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("nothing"));
        MemoryBlockstore store = new MemoryBlockstore();
        DirectoryImporter.Result r = DirectoryImporter.importDirectory(empty, ImportOptions.helia(), store);
        assertEquals("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354", r.root().toString());
        assertEquals(4, r.dagSize());
        assertEquals("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn",
                DirectoryImporter.importDirectory(empty, ImportOptions.kuboClassic(), store).root().toString());
        Path out = tmp.resolve("out");
        assertEquals(DirectoryExporter.Kind.DIRECTORY, DirectoryExporter.export(r.root(), store::get, out).kind());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void murmur3MatchesTheJsHasher() {
        // murmur364 of @multiformats/murmur3 2.x over the UTF-8 bytes
        assertEquals("0000000000000000", HexFormat.of().formatHex(Murmur3.x64_64(new byte[0])));
        assertEquals("85555565f6597889", HexFormat.of().formatHex(Murmur3.x64_64(bytes("a"))));
        assertEquals("c6b80999e8fbb598", HexFormat.of().formatHex(Murmur3.x64_64(bytes("file-0001.txt"))));
        assertEquals("7564747f88bda657", HexFormat.of().formatHex(Murmur3.x64_64(bytes("abcdefghijklmnopq"))));
        assertEquals("f2596f5eb4ff5e3a",
                HexFormat.of().formatHex(Murmur3.x64_64(bytes("abcdefghijklmnopqrstuvwxyz0123456789"))));
    }

    @Test
    void exportWritesTheTreeBackAndResolvesPaths() throws IOException {
        Path t = tree(tmp.resolve("t1"));
        MemoryBlockstore store = new MemoryBlockstore();
        Cid root = DirectoryImporter.importDirectory(t, ImportOptions.kuboClassic(), store).root();
        Path out = tmp.resolve("out");
        DirectoryExporter.Result r = DirectoryExporter.export(root, store::get, out);
        assertEquals(DirectoryExporter.Kind.DIRECTORY, r.kind());
        assertEquals(7, r.files());
        assertEquals(4, r.directories());
        assertSameTree(t, out);
        assertTrue(Files.isDirectory(out.resolve("emptydir")));

        Cid deep = DirectoryExporter.resolve(root, "sub/nested/deep.txt", store::get);
        Path one = tmp.resolve("deep.txt");
        assertEquals(DirectoryExporter.Kind.FILE, DirectoryExporter.export(deep, store::get, one).kind());
        assertArrayEquals(TestBytes.of(5000, 3), Files.readAllBytes(one));
        assertEquals(DirectoryExporter.resolve(root, "sub/nested", store::get),
                DirectoryExporter.resolve(root, "/sub//nested/", store::get));
        assertThrows(NoSuchFileException.class, () -> DirectoryExporter.resolve(root, "sub/nope", store::get));
        assertThrows(NoSuchFileException.class, () -> DirectoryExporter.resolve(root, "a.txt/x", store::get));
        assertThrows(UnsafeNameException.class, () -> DirectoryExporter.resolve(root, "sub/../a.txt", store::get));
        assertThrows(FileAlreadyExistsException.class, () -> DirectoryExporter.export(root, store::get, out));
    }

    @Test
    void symlinksAndBadNamesAreRefusedOnImport() throws IOException {
        Path t = tree(tmp.resolve("t1"));
        Files.createSymbolicLink(t.resolve("sub/link"), Path.of("/etc/passwd"));
        UnsupportedEntryException e = assertThrows(UnsupportedEntryException.class,
                () -> DirectoryImporter.importDirectory(t, ImportOptions.helia(), new MemoryBlockstore()));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        for (String bad : new String[] {"", ".", "..", "a/b", "a\0b"}) {
            assertThrows(UnsafeNameException.class, () -> UnixFsNames.check(bad), bad);
        }
        assertEquals("a\\b", UnixFsNames.check("a\\b"));
    }

    @Test
    void importStreamsFilesLargerThanTheStoreCouldBuffer() throws IOException {
        // a 48 MiB file in a tree: memory holds one chunk of it at a time (the store keeps every block: bound it)
        Path t = Files.createDirectories(tmp.resolve("s"));
        try (var ch = Files.newByteChannel(t.resolve("big"), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.position((48L << 20) - 1);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        }
        MemoryBlockstore store = new MemoryBlockstore();
        DirectoryImporter.Result r = DirectoryImporter.importDirectory(t, ImportOptions.helia(), store);
        assertEquals(48L << 20, r.bytes());
        // the zero chunks are one block: the store holds a few MiB, not the file
        assertTrue(store.usedBytes() < 4 << 20, "stored " + store.usedBytes());
    }

    /** A dag-pb directory whose one link is named {@code name}, pointing at a small file. */
    private static Cid crafted(MemoryBlockstore store, String... names) throws IOException {
        Block file = Block.of(1, Multicodec.RAW.code(), "pwned\n".getBytes(StandardCharsets.UTF_8));
        store.put(file);
        List<DagPb.Link> links = new ArrayList<>();
        for (String n : names) {
            links.add(DagPb.Link.of(file.cid(), n, 6));
        }
        Block dir = Block.of(1, Multicodec.DAG_PB.code(),
                DagPb.encode(new DagPb.Node(links, Optional.of(UnixFsData.directory().encode()))));
        store.put(dir);
        return dir.cid();
    }

    @Test
    void craftedNamesCannotEscapeTheTarget() throws IOException {
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        for (String name : new String[] {"..", "../victim/owned", "/tmp/owned", "a/../../owned", ".", "", "x\0y"}) {
            MemoryBlockstore store = new MemoryBlockstore();
            Cid dir = crafted(store, "ok", name);
            Path target = tmp.resolve("target");
            assertThrows(UnsafeNameException.class, () -> DirectoryExporter.export(dir, store::get, target), name);
            assertFalse(Files.exists(target), name);
            try (Stream<Path> s = Files.list(tmp)) {
                assertEquals(List.of("victim"), s.map(p -> p.getFileName().toString()).sorted().toList(), name);
            }
            try (Stream<Path> s = Files.list(victim)) {
                assertEquals(0, s.count(), name);
            }
            assertThrows(UnsafeNameException.class, () -> DirectoryExporter.list(dir, store::get), name);
        }
        MemoryBlockstore store = new MemoryBlockstore();
        Cid twice = crafted(store, "same", "same");
        assertThrows(UnsafeNameException.class, () -> DirectoryExporter.export(twice, store::get, tmp.resolve("t")));
        assertFalse(Files.exists(tmp.resolve("t")));
    }

    @Test
    void craftedShardNamesAreCheckedToo() throws IOException {
        MemoryBlockstore store = new MemoryBlockstore();
        Block file = Block.of(1, Multicodec.RAW.code(), new byte[] {1});
        store.put(file);
        byte[] bitfield = {1};
        Block shard = Block.of(1, Multicodec.DAG_PB.code(), DagPb.encode(new DagPb.Node(
                List.of(DagPb.Link.of(file.cid(), "00../../owned", 1)),
                Optional.of(UnixFsData.hamtShard(bitfield, 0x22, 256).encode()))));
        store.put(shard);
        assertThrows(UnsafeNameException.class,
                () -> DirectoryExporter.export(shard.cid(), store::get, tmp.resolve("t")));
        assertFalse(Files.exists(tmp.resolve("t")));
        assertFalse(Files.exists(tmp.getParent().resolve("owned")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static void assertSameTree(Path expected, Path actual) throws IOException {
        List<String> a = relative(expected);
        assertEquals(a, relative(actual));
        for (String rel : a) {
            Path e = expected.resolve(rel);
            if (Files.isRegularFile(e)) {
                assertArrayEquals(Files.readAllBytes(e), Files.readAllBytes(actual.resolve(rel)), rel);
            } else {
                assertTrue(Files.isDirectory(actual.resolve(rel)), rel);
            }
        }
    }

    private static List<String> relative(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
