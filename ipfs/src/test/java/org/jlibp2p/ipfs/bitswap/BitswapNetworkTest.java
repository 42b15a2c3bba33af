package org.jlibp2p.ipfs.bitswap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.FileSharing;
import org.jlibp2p.ipfs.TestBytes;
import org.jlibp2p.ipfs.blockstore.Blockstore;
import org.jlibp2p.ipfs.blockstore.FileBlockstore;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.jlibp2p.ipfs.unixfs.ImportOptions;
import org.jlibp2p.ipfs.unixfs.UnixFsImporter;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.KademliaConfig;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Fetches between nodes of the in-memory network running the real Noise or plaintext, Yamux and Bitswap. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BitswapNetworkTest {
    private static final int MIB = 1024 * 1024;
    private static final ImportOptions CHUNKS_256K = ImportOptions.helia().withChunkSize(256 * 1024);
    private static final FetchOptions FAST = FetchOptions.defaults().withWantTimeout(Duration.ofSeconds(2))
            .withIdleTimeout(Duration.ofSeconds(20)).withMaxInFlightPerPeer(8);

    @TempDir
    Path dir;

    private static PeerInfo info(TestNetwork net, int i) {
        return new PeerInfo(net.node(i).peerId(), List.of(net.node(i).address()));
    }

    private static byte[] export(FileSharing files, Cid root) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.export(root, out);
        return out.toByteArray();
    }

    /** A store that has every block it is asked for, with bytes that are not the block's. */
    private static final class LyingStore implements Blockstore {
        @Override
        public void put(Block b) {}

        @Override
        public void delete(Cid c) {}

        @Override
        public long usedBytes() {
            return 0;
        }

        @Override
        public boolean has(Cid cid) {
            return true;
        }

        @Override
        public Optional<Block> get(Cid cid) {
            return Optional.of(new Block(cid, TestBytes.of(256 * 1024, cid.hashCode())));
        }

        @Override
        public Optional<Integer> size(Cid cid) {
            return Optional.of(256 * 1024);
        }
    }

    /** A store slow to look blocks up, as a disk under load is. */
    private static final class SlowStore implements Blockstore {
        final MemoryBlockstore inner = new MemoryBlockstore();

        @Override
        public boolean has(Cid cid) {
            return inner.has(cid);
        }

        @Override
        public Optional<Block> get(Cid cid) {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.get(cid);
        }

        @Override
        public Optional<Integer> size(Cid cid) {
            return inner.size(cid);
        }

        @Override
        public void put(Block b) throws IOException {
            inner.put(b);
        }

        @Override
        public void delete(Cid c) {
            inner.delete(c);
        }

        @Override
        public long usedBytes() {
            return inner.usedBytes();
        }
    }

    @Test
    void aFetchIsNotDoneWhileTheChildrenOfABlockAreStillBeingLookedUp() throws Exception {
        byte[] data = TestBytes.of(2 * MIB, 21);
        MemoryBlockstore source = new MemoryBlockstore();
        Cid root = UnixFsImporter.importFile(new ByteArrayInputStream(data), CHUNKS_256K, source).root();
        SlowStore mine = new SlowStore();
        Net n = network(2, List.of(mine, source));
        try (TestNetwork net = n.net()) {
            FileSharing files = new FileSharing(n.bitswap().get(0), Optional.empty());
            files.fetch(root, FileSharing.GetOptions.defaults().withDht(false).withFetch(FAST)
                    .withPeers(List.of(info(net, 1))), p -> { });
            assertEquals(9, mine.inner.count(), "the root and its 8 leaves are stored when the fetch returns");
            assertArrayEquals(data, export(files, root));
        }
    }

    private record Net(TestNetwork net, List<BitswapBehaviour> bitswap) {}

    private static Net network(int n, List<Blockstore> stores) throws IOException {
        List<BitswapBehaviour> bs = new ArrayList<>();
        TestNetwork net = TestNetwork.builder().nodes(n).seed(3).stack(TestStack.PLAINTEXT_YAMUX).behaviours(i -> {
            BitswapBehaviour b = new BitswapBehaviour(stores.get(i));
            bs.add(b);
            return List.of(b);
        }).build();
        return new Net(net, bs);
    }

    @Test
    void aFileOnThreeNodesIsFetchedFromAllOfThemAndOneLeavingMidwayDoesNotStopIt() throws Exception {
        byte[] data = TestBytes.of(64 * MIB, 64);
        MemoryBlockstore source = new MemoryBlockstore();
        Cid root = UnixFsImporter.importFile(new ByteArrayInputStream(data), CHUNKS_256K, source).root();
        MemoryBlockstore mine = new MemoryBlockstore();
        Net n = network(4, List.of(mine, source, source, source));
        try (TestNetwork net = n.net()) {
            FileSharing files = new FileSharing(n.bitswap().get(0), Optional.empty());
            AtomicBoolean killed = new AtomicBoolean();
            AtomicReference<FetchProgress> last = new AtomicReference<>();
            long started = System.nanoTime();
            Fetch f = files.fetch(root, FileSharing.GetOptions.defaults().withDht(false).withFetch(FAST)
                    .withPeers(List.of(info(net, 1), info(net, 2), info(net, 3))), p -> {
                        last.set(p);
                        if (p.bytesTotal() > 0 && p.bytesDone() > p.bytesTotal() / 3 && !killed.getAndSet(true)) {
                            Thread.ofVirtual().start(() -> net.node(3).swarm().close());
                        }
                    });
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(killed.get());
            assertArrayEquals(data, export(files, root));
            Map<PeerId, Long> by = f.receivedByPeer();
            for (int i = 1; i <= 3; i++) {
                assertTrue(by.getOrDefault(net.node(i).peerId(), 0L) > 0, "node " + i + " served a part: " + by);
            }
            assertEquals(last.get().bytesTotal(), last.get().bytesDone());
            assertEquals(0, last.get().blocksRemaining());
            System.out.printf("64 MiB from 3 providers (one gone midway) in %.2f s, %.1f MiB/s; blocks by provider %s%n",
                    seconds, 64 / seconds, by.values());
        }
    }

    @Test
    void aProviderSendingBlocksThatDoNotMatchTheirHashIsDroppedAndTheFetchCompletes() throws Exception {
        byte[] data = TestBytes.of(8 * MIB, 8);
        MemoryBlockstore source = new MemoryBlockstore();
        Cid root = UnixFsImporter.importFile(new ByteArrayInputStream(data), CHUNKS_256K, source).root();
        MemoryBlockstore mine = new MemoryBlockstore();
        Net n = network(4, List.of(mine, new LyingStore(), source, source));
        try (TestNetwork net = n.net()) {
            FileSharing files = new FileSharing(n.bitswap().get(0), Optional.empty());
            Fetch f = files.fetch(root, FileSharing.GetOptions.defaults().withDht(false).withFetch(FAST)
                    .withPeers(List.of(info(net, 1), info(net, 2), info(net, 3))), p -> { });
            assertArrayEquals(data, export(files, root));
            PeerId liar = net.node(1).peerId();
            assertTrue(f.isBanned(liar));
            assertEquals(0L, f.receivedByPeer().getOrDefault(liar, 0L));
            assertTrue(n.bitswap().get(0).badBlocks() >= 1);
            net.require("the liar is disconnected", () -> !net.node(0).swarm().isConnected(liar));
            assertTrue(n.bitswap().get(1).blocksSent() > 0, "the liar did send its forgeries");
        }
    }

    @Test
    void aFetchCutShortResumesWithoutFetchingStoredBlocksAgainAndBlocksSurviveARestart() throws Exception {
        byte[] data = TestBytes.of(16 * MIB, 16);
        MemoryBlockstore source = new MemoryBlockstore();
        UnixFsImporter.Result imported =
                UnixFsImporter.importFile(new ByteArrayInputStream(data), CHUNKS_256K, source);
        Cid root = imported.root();
        Path storeDir = dir.resolve("blocks");
        long firstBytes;
        // first run: the fetching thread is interrupted midway (as a process killed), and the node goes away
        {
            FileBlockstore mine = new FileBlockstore(storeDir);
            Net n = network(2, List.of(mine, source));
            try (TestNetwork net = n.net()) {
                FileSharing files = new FileSharing(n.bitswap().get(0), Optional.empty());
                AtomicReference<FetchProgress> last = new AtomicReference<>();
                Thread fetcher = Thread.currentThread();
                AtomicBoolean cut = new AtomicBoolean();
                assertThrows(InterruptedException.class, () -> files.fetch(root, FileSharing.GetOptions.defaults()
                        .withDht(false).withFetch(FAST).withPeers(List.of(info(net, 1))), p -> {
                            last.set(p);
                            if (p.bytesDone() > 8 * MIB && !cut.getAndSet(true)) {
                                fetcher.interrupt();
                            }
                        }));
                Thread.interrupted();
                firstBytes = last.get().bytesFetched();
                assertTrue(firstBytes > 8 * MIB && firstBytes < imported.size(), "cut midway: " + firstBytes);
            }
        }
        // second run: a new node over the same directory
        FileBlockstore reopened = new FileBlockstore(storeDir);
        assertTrue(reopened.usedBytes() >= firstBytes);
        Net n = network(2, List.of(reopened, source));
        try (TestNetwork net = n.net()) {
            FileSharing files = new FileSharing(n.bitswap().get(0), Optional.empty());
            AtomicReference<FetchProgress> last = new AtomicReference<>();
            Path out = dir.resolve("file.out");
            long size = files.get(root, out, FileSharing.GetOptions.defaults().withDht(false).withFetch(FAST)
                    .withPeers(List.of(info(net, 1))), last::set);
            assertEquals(data.length, size);
            assertArrayEquals(data, java.nio.file.Files.readAllBytes(out));
            FetchProgress p = last.get();
            assertEquals(p.bytesTotal(), p.bytesDone());
            assertTrue(p.bytesFetched() <= p.bytesTotal() - firstBytes + 256 * 1024 + 64,
                    "only what was missing was fetched: " + p.bytesFetched());
        }
    }

    @Test
    void providersAreFoundThroughTheDht() throws Exception {
        byte[] data = TestBytes.of(3 * MIB + 5, 3);
        List<Blockstore> stores = List.of(new MemoryBlockstore(), new MemoryBlockstore(), new MemoryBlockstore());
        List<BitswapBehaviour> bs = new ArrayList<>();
        List<KademliaBehaviour> dht = new ArrayList<>();
        try (TestNetwork net = TestNetwork.builder().nodes(3).seed(9).stack(TestStack.PLAINTEXT_YAMUX).behaviours(i -> {
            BitswapBehaviour b = new BitswapBehaviour(stores.get(i));
            KademliaBehaviour k = new KademliaBehaviour(KademliaConfig.defaults().withMode(KademliaConfig.Mode.SERVER));
            bs.add(b);
            dht.add(k);
            return List.of(new IdentifyBehaviour(), k, b);
        }).build()) {
            net.connect((nodes, r) -> List.of(new Topology.Edge(0, 2), new Topology.Edge(1, 2)));
            net.require("routing tables filled", () -> {
                try {
                    return dht.get(0).routingTableSize() > 0 && dht.get(1).routingTableSize() > 0;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            FileSharing provider = new FileSharing(bs.get(1), Optional.of(dht.get(1)));
            Cid root = provider.add(new ByteArrayInputStream(data), ImportOptions.helia()).root();
            FileSharing getter = new FileSharing(bs.get(0), Optional.of(dht.get(0)));
            Fetch f = getter.fetch(root, FileSharing.GetOptions.defaults().withFetch(FAST), p -> { });
            assertArrayEquals(data, export(getter, root));
            assertEquals(Map.of(net.node(1).peerId(), 5L), f.receivedByPeer(), "the root and its 4 leaves");
        }
    }

    @Test
    void aDirectoryIsReadByPathThenFetchedWholeFetchingStoredBlocksOnce() throws Exception {
        Path tree = org.jlibp2p.ipfs.unixfs.DirectoryTest.tree(dir.resolve("tree"));
        MemoryBlockstore source = new MemoryBlockstore();
        MemoryBlockstore mine = new MemoryBlockstore();
        Net n = network(2, List.of(mine, source));
        try (TestNetwork net = n.net()) {
            Cid root = new FileSharing(n.bitswap().get(1), Optional.empty())
                    .addDirectory(tree, ImportOptions.helia()).root();
            // one file of the tree by its path: the blocks of the directories on the way and the file's, no more
            FileSharing files = new FileSharing(n.bitswap().get(0), Optional.empty());
            FileSharing.GetOptions o = FileSharing.GetOptions.defaults().withDht(false).withFetch(FAST)
                    .withPeers(List.of(info(net, 1)));
            Path one = dir.resolve("deep.txt");
            assertEquals(5000, files.get(root, "/sub/nested/deep.txt", one, o, p -> { }).bytes());
            assertArrayEquals(TestBytes.of(5000, 3), java.nio.file.Files.readAllBytes(one));
            assertEquals(4, mine.count(), "the root, sub, nested and deep.txt");
            int before = mine.count();
            AtomicReference<FetchProgress> last = new AtomicReference<>();
            Path out = dir.resolve("out");
            org.jlibp2p.ipfs.unixfs.DirectoryExporter.Result r = files.get(root, "", out, o, last::set);
            assertEquals(7, r.files());
            org.jlibp2p.ipfs.unixfs.DirectoryTest.assertSameTree(tree, out);
            assertEquals(source.count(), mine.count());
            assertEquals(source.count() - before, last.get().blocksFetched(), "stored blocks are not fetched again");
            assertThrows(java.nio.file.NoSuchFileException.class,
                    () -> files.get(root, "sub/missing", dir.resolve("x"), o, p -> { }));
        }
    }

    @Test
    void aPeersCraftedDirectoryCannotWriteOutsideTheTarget() throws Exception {
        // the provider serves a dag-pb directory whose entries climb out of wherever it is written
        MemoryBlockstore source = new MemoryBlockstore();
        Block payload = Block.of(1, org.jlibp2p.core.multiformats.Multicodec.RAW.code(), "pwned\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        source.put(payload);
        List<org.jlibp2p.ipfs.unixfs.DagPb.Link> links = new ArrayList<>();
        for (String name : new String[] {"../../escaped", "ok"}) {
            links.add(org.jlibp2p.ipfs.unixfs.DagPb.Link.of(payload.cid(), name, 6));
        }
        Block evil = Block.of(1, org.jlibp2p.core.multiformats.Multicodec.DAG_PB.code(),
                org.jlibp2p.ipfs.unixfs.DagPb.encode(new org.jlibp2p.ipfs.unixfs.DagPb.Node(links,
                        Optional.of(org.jlibp2p.ipfs.unixfs.UnixFsData.directory().encode()))));
        source.put(evil);
        Path inner = java.nio.file.Files.createDirectories(dir.resolve("a/b"));
        Net n = network(2, List.of(new MemoryBlockstore(), source));
        try (TestNetwork net = n.net()) {
            FileSharing files = new FileSharing(n.bitswap().get(0), Optional.empty());
            FileSharing.GetOptions o = FileSharing.GetOptions.defaults().withDht(false).withFetch(FAST)
                    .withPeers(List.of(info(net, 1)));
            assertThrows(org.jlibp2p.ipfs.unixfs.UnsafeNameException.class,
                    () -> files.get(evil.cid(), "", inner.resolve("out"), o, p -> { }));
            assertThrows(org.jlibp2p.ipfs.unixfs.UnsafeNameException.class,
                    () -> files.get(evil.cid(), "../../escaped", inner.resolve("out"), o, p -> { }));
            try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(dir)) {
                assertEquals(List.of("", "a", "a/b"), all.map(p -> dir.relativize(p).toString()).sorted().toList(),
                        "nothing was written, inside the target or out of it");
            }
            // the node goes on: the directory's honest entry is still there to get
            files.get(evil.cid(), "ok", inner.resolve("ok"), o, p -> { });
            assertArrayEquals("pwned\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.file.Files.readAllBytes(inner.resolve("ok")));
        }
    }
}
