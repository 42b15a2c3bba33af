package org.jlibp2p.ipfs.unixfs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.blockstore.Blockstore;

/**
 * Imports a directory tree as UnixFS, as helia's {@code ipfs-unixfs-importer} does with the same options: files with
 * {@link UnixFsImporter} (streamed, one chunk in memory), every directory a dag-pb node of UnixFS type Directory whose
 * links are its entries sorted by name bytes, each link's size the bytes of the child's whole DAG. A directory whose
 * links would pass {@link #SHARD_SPLIT_THRESHOLD} bytes (the importer's estimate: names and CIDs of its files and
 * empty directories) becomes a HAMT shard of fanout 256 hashed with murmur3-x64-64. Symbolic links, devices, pipes and
 * sockets are refused ({@link UnsupportedEntryException}), never followed; names must pass {@link UnixFsNames#check}.
 */
public final class DirectoryImporter {
    /** helia's {@code shardSplitThresholdBytes}. */
    public static final long SHARD_SPLIT_THRESHOLD = 262_144;
    /** The deepest directory nesting imported. */
    public static final int MAX_DEPTH = 256;
    /** murmur3-x64-64's multicodec, the hash a shard names. */
    public static final long HAMT_HASH = 0x22;
    public static final int HAMT_FANOUT = 256;

    private DirectoryImporter() {}

    /** The root; file bytes, files and directories imported; blocks written; the bytes of the whole DAG. */
    public record Result(Cid root, long bytes, long files, long directories, long blocks, long dagSize) {}

    /** A directory entry as its parent links to it; {@code counted}: whether helia's size estimate counts it. */
    record Entry(String name, Cid cid, long tsize, boolean counted) {}

    public static Result importDirectory(Path dir, ImportOptions options, Blockstore store) throws IOException {
        return importDirectory(dir, options, SHARD_SPLIT_THRESHOLD, store);
    }

    /** As {@link #importDirectory(Path, ImportOptions, Blockstore)}, sharding past {@code shardThreshold} bytes. */
    public static Result importDirectory(Path dir, ImportOptions options, long shardThreshold, Blockstore store)
            throws IOException {
        Path root = dir.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException("not a directory: " + dir);
        }
        Counts counts = new Counts();
        Entry e = directory(root, "", options, shardThreshold, store, counts, 0);
        return new Result(e.cid(), counts.bytes, counts.files, counts.directories, counts.blocks, e.tsize());
    }

    private static final class Counts {
        long bytes;
        long files;
        long directories;
        long blocks;
    }

    private static Entry directory(Path dir, String name, ImportOptions o, long threshold, Blockstore store,
            Counts counts, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("directories nested more than " + MAX_DEPTH + " deep at " + dir);
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(UnixFsNames.check(p.getFileName().toString()));
            }
        }
        names.sort(UnixFsNames.ORDER);
        List<Entry> entries = new ArrayList<>(names.size());
        long estimate = 0;
        for (String n : names) {
            Path p = dir.resolve(n);
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Entry e;
            if (a.isSymbolicLink()) {
                throw new UnsupportedEntryException("symbolic link not imported: " + p);
            } else if (a.isDirectory()) {
                e = directory(p, n, o, threshold, store, counts, depth + 1);
            } else if (a.isRegularFile()) {
                UnixFsImporter.Result r;
                try (InputStream in = new BufferedInputStream(
                        Files.newInputStream(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), 1 << 16)) {
                    r = UnixFsImporter.importFile(in, o, store);
                }
                counts.files++;
                counts.bytes += r.size();
                counts.blocks += r.blocks();
                e = new Entry(n, r.root(), r.dagSize(), true);
            } else {
                throw new UnsupportedEntryException("not a file or directory, not imported: " + p);
            }
            if (e.counted()) {
                estimate += UnixFsNames.utf8(n).length + e.cid().bytes().length;
            }
            entries.add(e);
        }
        counts.directories++;
        if (estimate > threshold) {
            return shard(entries, name, 0, o, store, counts);
        }
        List<DagPb.Link> links = new ArrayList<>(entries.size());
        long tsize = 0;
        for (Entry e : entries) {
            links.add(DagPb.Link.of(e.cid(), e.name(), e.tsize()));
            tsize += e.tsize();
        }
        Block b = put(links, UnixFsData.directory(), o, store, counts);
        return new Entry(name, b.cid(), tsize + b.data().length, entries.isEmpty());
    }

    /** One HAMT shard node over {@code entries} at {@code level} (8 bits of the name's hash a level). */
    private static Entry shard(List<Entry> entries, String name, int level, ImportOptions o, Blockstore store,
            Counts counts) throws IOException {
        if (level >= 64) {
            throw new IOException("HAMT deeper than 64 levels: names colliding in every bit of their hashes");
        }
        List<List<Entry>> buckets = new ArrayList<>(HAMT_FANOUT);
        for (int i = 0; i < HAMT_FANOUT; i++) {
            buckets.add(null);
        }
        for (Entry e : entries) {
            int i = hashIndex(e.name(), level);
            if (buckets.get(i) == null) {
                buckets.set(i, new ArrayList<>());
            }
            buckets.get(i).add(e);
        }
        List<DagPb.Link> links = new ArrayList<>();
        byte[] bits = new byte[HAMT_FANOUT / 8];
        long tsize = 0;
        for (int i = 0; i < HAMT_FANOUT; i++) {
            List<Entry> bucket = buckets.get(i);
            if (bucket == null) {
                continue;
            }
            bits[bits.length - 1 - i / 8] |= (byte) (1 << (i % 8));
            String prefix = String.format("%02X", i);
            if (bucket.size() == 1) {
                Entry e = bucket.getFirst();
                links.add(DagPb.Link.of(e.cid(), prefix + e.name(), e.tsize()));
                tsize += e.tsize();
            } else {
                Entry sub = shard(bucket, prefix, level + 1, o, store, counts);
                links.add(DagPb.Link.of(sub.cid(), prefix, sub.tsize()));
                tsize += sub.tsize();
            }
        }
        links.sort((a, b) -> UnixFsNames.ORDER.compare(a.name().orElseThrow(), b.name().orElseThrow()));
        int first = 0;
        while (first < bits.length - 1 && bits[first] == 0) {
            first++;
        }
        byte[] bitfield = java.util.Arrays.copyOfRange(bits, first, bits.length); // big-endian, no leading zeros
        Block b = put(links, UnixFsData.hamtShard(bitfield, HAMT_HASH, HAMT_FANOUT), o, store, counts);
        return new Entry(name, b.cid(), tsize + b.data().length, false);
    }

    /**
     * The child a name goes to at {@code level}: byte {@code level % 8} of murmur3-x64-64 of the name (of the name
     * and the byte {@code level / 8} past the first 8 levels, as the js HAMT rehashes).
     */
    static int hashIndex(String name, int level) {
        byte[] n = UnixFsNames.utf8(name);
        int round = level / 8;
        if (round > 0) {
            n = java.util.Arrays.copyOf(n, n.length + 1);
            n[n.length - 1] = (byte) round;
        }
        return Murmur3.x64_64(n)[level % 8] & 0xff;
    }

    private static Block put(List<DagPb.Link> links, UnixFsData data, ImportOptions o, Blockstore store, Counts counts)
            throws IOException {
        byte[] node = DagPb.encode(new DagPb.Node(links, Optional.of(data.encode())));
        if (node.length > Block.MAX_SIZE) {
            throw new IOException("directory node of " + node.length + " bytes, more than a block may hold");
        }
        Block b = Block.of(o.cidVersion(), Multicodec.DAG_PB.code(), node);
        store.put(b);
        counts.blocks++;
        return b;
    }
}
