package org.jlibp2p.ipfs.blockstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multibase;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.BlockMismatchException;

/**
 * Blocks on disk, one file per block, named by the base32 of its multihash and sharded into directories by the two
 * characters before the last (as go's flatfs {@code next-to-last/2}). A block is written to a temporary file in its
 * shard and renamed into place atomically, so that a crash leaves either the whole block or none of it; temporary
 * files left by a crash are removed at open. Bytes read back are checked against the hash (a file damaged on disk
 * is removed and reported missing). The store is bounded: {@link #put} past {@code maxBytes} throws
 * {@link BlockstoreFullException}.
 */
public final class FileBlockstore implements Blockstore {
    private static final String TMP_SUFFIX = ".tmp";
    private final Path root;
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    public FileBlockstore(Path root, long maxBytes) throws IOException {
        this.root = root;
        this.maxBytes = maxBytes;
        Files.createDirectories(root);
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(root)) {
            for (Path shard : shards) {
                if (!Files.isDirectory(shard)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                    for (Path f : files) {
                        if (f.getFileName().toString().endsWith(TMP_SUFFIX)) {
                            Files.deleteIfExists(f);
                        } else {
                            used.addAndGet(Files.size(f));
                        }
                    }
                }
            }
        }
    }

    /** The default bound: 10 GB, as kubo's {@code Datastore.StorageMax}. */
    public FileBlockstore(Path root) throws IOException {
        this(root, 10_000_000_000L);
    }

    private Path pathOf(Multihash mh) {
        String name = Multibase.encode(Multibase.Encoding.BASE32, mh.bytes()).substring(1).toUpperCase();
        String shard = name.substring(name.length() - 3, name.length() - 1);
        return root.resolve(shard).resolve(name + ".data");
    }

    @Override
    public boolean has(Cid cid) {
        return Files.exists(pathOf(cid.multihash()));
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        Path p = pathOf(cid.multihash());
        byte[] data;
        try {
            if (Files.size(p) > Block.MAX_SIZE) {
                throw new IOException("stored block " + p + " is larger than a block may be");
            }
            data = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Block.verified(cid, data));
        } catch (BlockMismatchException e) {
            delete(cid); // damaged on disk: fetch it again rather than serve it
            return Optional.empty();
        }
    }

    @Override
    public Optional<Integer> size(Cid cid) throws IOException {
        try {
            return Optional.of((int) Files.size(pathOf(cid.multihash())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void put(Block block) throws IOException {
        Path target = pathOf(block.cid().multihash());
        if (Files.exists(target)) {
            return;
        }
        int n = block.data().length;
        if (used.addAndGet(n) > maxBytes) {
            used.addAndGet(-n);
            throw new BlockstoreFullException("blockstore full (" + maxBytes + " bytes)");
        }
        Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + TMP_SUFFIX);
        try {
            Files.createDirectories(target.getParent());
            // no fsync: a crash of the process leaves the renamed file whole (the kernel has it); after a power
            // loss a block may read back short or zeroed, which get() detects by its hash and drops
            Files.write(tmp, block.data(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            used.addAndGet(-n);
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    @Override
    public void delete(Cid cid) throws IOException {
        Path p = pathOf(cid.multihash());
        try {
            long n = Files.size(p);
            if (Files.deleteIfExists(p)) {
                used.addAndGet(-n);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }

    @Override
    public long usedBytes() {
        return used.get();
    }

    public Path root() {
        return root;
    }
}
