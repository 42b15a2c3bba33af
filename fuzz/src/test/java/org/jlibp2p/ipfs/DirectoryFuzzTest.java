package org.jlibp2p.ipfs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.ipfs.unixfs.DirectoryExporter;
import org.jlibp2p.ipfs.unixfs.UnixFsExporter;
import org.junit.jupiter.api.Timeout;

/**
 * A directory block as a provider sends it (plain or a HAMT shard, its sub-shards missing): listing it, looking a
 * name up in it and resolving a path through it fail only with an {@link IpfsFormatException} (its
 * {@code UnsafeNameException} included) or, for a block that is not there, an I/O error naming it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirectoryFuzzTest {
    /** A sub-shard or child the input names, which the source does not hold. */
    private static final class MissingBlock extends java.io.IOException {}

    @FuzzTest
    void readDirectory(byte[] input) throws Exception {
        Block b = Block.of(1, Multicodec.DAG_PB.code(), input);
        UnixFsExporter.BlockSource source = c -> {
            if (!c.multihash().equals(b.cid().multihash())) {
                throw new MissingBlock();
            }
            return Optional.of(b);
        };
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Checks.expect(() -> DirectoryExporter.list(b.cid(), source), IpfsFormatException.class,
                    MissingBlock.class);
            Checks.expect(() -> DirectoryExporter.lookup(b.cid(), "a", source), IpfsFormatException.class,
                    MissingBlock.class);
            Checks.expect(() -> DirectoryExporter.resolve(b.cid(), "a/b", source), IpfsFormatException.class,
                    MissingBlock.class, NoSuchFileException.class);
        });
    }
}
