package org.jlibp2p.ipfs.bitswap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.FileSharing;
import org.jlibp2p.ipfs.TestBytes;
import org.jlibp2p.ipfs.blockstore.Blockstore;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.jlibp2p.ipfs.unixfs.ImportOptions;
import org.jlibp2p.ipfs.unixfs.UnixFsImporter;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a hostile peer can send on Bitswap costs it its stream, never the node, and never unbounded memory. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BitswapAttackTest {
    private static Stream bitswapStream(TestNetwork net) throws IOException {
        return net.node(1).swarm().newStream(net.node(0).peerId(), List.of(BitswapBehaviour.PROTOCOL_ID));
    }

    private static int readResetOrEnd(Stream s) {
        try {
            return s.input().read(new byte[1]);
        } catch (IOException e) {
            return -2;
        }
    }

    @Test
    void garbageOversizedFramesAndWantFloodsCostTheSenderItsStreamOnly() throws Exception {
        MemoryBlockstore store = new MemoryBlockstore();
        byte[] data = TestBytes.of(3 * 1024 * 1024, 5);
        Cid root = UnixFsImporter.importFile(new ByteArrayInputStream(data), ImportOptions.helia(), store).root();
        List<BitswapBehaviour> bs = new ArrayList<>();
        List<Blockstore> stores = List.of(store, new MemoryBlockstore(), new MemoryBlockstore());
        try (TestNetwork net = TestNetwork.builder().nodes(3).seed(1).stack(TestStack.PLAINTEXT_YAMUX).behaviours(i -> {
            BitswapBehaviour b = new BitswapBehaviour(stores.get(i));
            bs.add(b);
            return List.of(b);
        }).build()) {
            net.connect(Topology.fullMesh());
            // a length prefix of 2 GiB: refused from the prefix, nothing allocated
            try (Stream s = bitswapStream(net)) {
                OutputStream o = s.output();
                o.write(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08});
                o.flush();
                assertTrue(readResetOrEnd(s) < 0);
            }
            // protobuf garbage
            try (Stream s = bitswapStream(net)) {
                LengthPrefixed.write(s.output(), new byte[] {0x0a, 0x7f, 0x01, 0x02});
                assertTrue(readResetOrEnd(s) < 0);
            }
            // 1,025 wants in one message: over the limit
            List<BitswapMessage.Entry> flood = new ArrayList<>();
            for (int i = 0; i <= 1024; i++) {
                flood.add(BitswapMessage.Entry.wantBlock(
                        Block.of(1, Multicodec.RAW.code(), new byte[] {(byte) i, (byte) (i >> 8)}).cid(), 1));
            }
            try (Stream s = bitswapStream(net)) {
                BitswapCodec.write(s.output(), BitswapMessage.wants(flood));
                assertTrue(readResetOrEnd(s) < 0);
            }
            // many messages of wants the node cannot answer: it keeps at most 4096 of them for the peer
            for (int m = 0; m < 6; m++) {
                List<BitswapMessage.Entry> es = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    int k = m * 1000 + i;
                    es.add(new BitswapMessage.Entry(Block.of(1, Multicodec.RAW.code(),
                            new byte[] {(byte) k, (byte) (k >> 8), 7}).cid(), 1, false, BitswapMessage.WantType.BLOCK,
                            false));
                }
                try (Stream s = bitswapStream(net)) {
                    BitswapCodec.write(s.output(), BitswapMessage.wants(es));
                    s.closeOutput();
                    assertEquals(-1, readResetOrEnd(s), "a valid message is read to its end");
                }
            }
            // the node still serves: node 2 fetches the file from it
            FileSharing files = new FileSharing(bs.get(2), Optional.empty());
            files.fetch(root, FileSharing.GetOptions.defaults().withDht(false).withPeers(List.of(
                    new PeerInfo(net.node(0).peerId(), List.of(net.node(0).address())))), p -> { });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            files.export(root, out);
            assertArrayEquals(data, out.toByteArray());
        }
    }

    @Test
    void aFetchThatNobodyCanServeEndsAtTheIdleTimeout() throws Exception {
        List<BitswapBehaviour> bs = new ArrayList<>();
        try (TestNetwork net = TestNetwork.builder().nodes(2).seed(2).stack(TestStack.PLAINTEXT_YAMUX).behaviours(i -> {
            BitswapBehaviour b = new BitswapBehaviour(new MemoryBlockstore());
            bs.add(b);
            return List.of(b);
        }).build()) {
            Cid missing = Block.of(1, Multicodec.RAW.code(), new byte[] {42}).cid();
            FileSharing files = new FileSharing(bs.get(0), Optional.empty());
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> files.fetch(missing, FileSharing.GetOptions
                    .defaults().withDht(false).withFetch(FetchOptions.defaults().withIdleTimeout(Duration.ofSeconds(3)))
                    .withPeers(List.of(new PeerInfo(net.node(1).peerId(), List.of(net.node(1).address())))), p -> { }));
            assertTrue(e.getMessage().contains("stalled"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        }
    }
}
