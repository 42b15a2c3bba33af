package org.jlibp2p.ipfs.blockstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileBlockstoreTest {
    @TempDir
    Path dir;

    @Test
    void blocksSurviveAReopenAndAreFoundUnderEitherCidVersion() throws IOException {
        Block a = Block.of(0, Multicodec.DAG_PB.code(), TestBytes.of(1000, 1));
        Block b = Block.of(1, Multicodec.RAW.code(), TestBytes.of(2000, 2));
        FileBlockstore s = new FileBlockstore(dir, 1 << 20);
        s.put(a);
        s.put(b);
        s.put(b);
        assertEquals(3000, s.usedBytes());
        FileBlockstore reopened = new FileBlockstore(dir, 1 << 20);
        assertEquals(3000, reopened.usedBytes());
        assertArrayEquals(a.data(), reopened.get(a.cid()).orElseThrow().data());
        assertArrayEquals(b.data(), reopened.get(b.cid()).orElseThrow().data());
        assertTrue(reopened.has(a.cid().toV1()), "CIDv1 of the same dag-pb block");
        Cid unknown = Block.of(1, Multicodec.RAW.code(), new byte[] {1}).cid();
        assertFalse(reopened.has(unknown));
        assertTrue(reopened.get(unknown).isEmpty());
    }

    @Test
    void aHalfWrittenBlockNeverCorruptsTheStore() throws IOException {
        Block a = Block.of(1, Multicodec.RAW.code(), TestBytes.of(5000, 3));
        FileBlockstore s = new FileBlockstore(dir, 1 << 20);
        s.put(a);
        Path stored;
        try (Stream<Path> files = Files.walk(dir)) {
            stored = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        // a crash in the middle of a write leaves a temporary file beside the blocks: never read, removed at open
        Path tmp = stored.resolveSibling("ABCD.data.0000.tmp");
        Files.write(tmp, new byte[] {1, 2, 3});
        // a block damaged on disk (torn by something else) is not served: it is dropped, to be fetched again
        Files.write(stored, TestBytes.of(2500, 3));
        FileBlockstore reopened = new FileBlockstore(dir, 1 << 20);
        assertFalse(Files.exists(tmp));
        assertTrue(reopened.get(a.cid()).isEmpty());
        assertFalse(reopened.has(a.cid()));
        reopened.put(a);
        assertArrayEquals(a.data(), reopened.get(a.cid()).orElseThrow().data());
    }

    @Test
    void theBoundHolds() throws IOException {
        FileBlockstore s = new FileBlockstore(dir, 10_000);
        s.put(Block.of(1, Multicodec.RAW.code(), TestBytes.of(6000, 1)));
        assertThrows(BlockstoreFullException.class, () -> s.put(Block.of(1, Multicodec.RAW.code(), TestBytes.of(6000, 2))));
        assertEquals(6000, s.usedBytes());
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(1, files.filter(Files::isRegularFile).toList().size());
        }
        List<Block> small = List.of(Block.of(1, Multicodec.RAW.code(), TestBytes.of(4000, 5)));
        s.put(small.getFirst());
        assertEquals(10_000, s.usedBytes());
    }
}
