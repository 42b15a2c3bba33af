package org.jlibp2p.ipfs.unixfs;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.IpfsFormatException;
import org.jlibp2p.ipfs.unixfs.UnixFsExporter.BlockSource;

/**
 * Reads UnixFS directories, plain and HAMT-sharded: lists them, resolves paths under a root ({@code a/b/file}), and
 * writes a file or a whole tree to disk. Every block is checked against its CID; every entry name must pass
 * {@link UnixFsNames#check} and land directly inside the directory being written ({@link UnsafeNameException}
 * otherwise), names may not repeat within a directory, nothing is written through an existing file or link (a tree
 * goes to a new directory, renamed into place once whole), and the number of entries and the nesting are bounded.
 */
public final class DirectoryExporter {
    /** The most entries (files and directories) one export writes. */
    public static final int MAX_ENTRIES = 1 << 20;
    /** The deepest nesting of directories and of shard levels followed. */
    public static final int MAX_DEPTH = 256;

    private DirectoryExporter() {}

    public enum Kind { FILE, DIRECTORY, SYMLINK }

    /** An entry of a directory: its name and CID. */
    public record Entry(String name, Cid cid) {}

    /** What an export wrote. */
    public record Result(Kind kind, long files, long directories, long bytes) {}

    private static Block read(Cid cid, BlockSource source) throws IOException {
        Block raw = source.get(cid).orElseThrow(() -> new IOException("block " + cid + " is missing"));
        return Block.verified(cid, raw.data());
    }

    private static UnixFsData unixfs(Block b, DagPb.Node node) throws IpfsFormatException {
        return UnixFsData.decode(node.data().orElseThrow(
                () -> new IpfsFormatException("dag-pb node " + b.cid() + " without UnixFS data")));
    }

    /** What {@code cid} is: a raw block or a UnixFS file is a file; a directory or a shard a directory. */
    public static Kind kind(Cid cid, BlockSource source) throws IOException {
        if (cid.codec() == Multicodec.RAW.code()) {
            return Kind.FILE;
        }
        if (cid.codec() != Multicodec.DAG_PB.code()) {
            throw new IpfsFormatException("not a UnixFS block: codec " + cid.codec());
        }
        Block b = read(cid, source);
        return switch (unixfs(b, DagPb.decode(b.data())).type()) {
            case FILE, RAW -> Kind.FILE;
            case DIRECTORY, HAMT_SHARD -> Kind.DIRECTORY;
            case SYMLINK -> Kind.SYMLINK;
            case METADATA -> throw new IpfsFormatException("UnixFS metadata node " + cid + " is not supported");
        };
    }

    /**
     * The entries of the directory {@code dir} (of a shard, all its levels), names checked and not repeated.
     *
     * @throws IpfsFormatException if {@code dir} is not a directory
     */
    public static List<Entry> list(Cid dir, BlockSource source) throws IOException {
        if (dir.codec() != Multicodec.DAG_PB.code()) {
            throw new IpfsFormatException("not a directory: " + dir);
        }
        Block b = read(dir, source);
        DagPb.Node node = DagPb.decode(b.data());
        UnixFsData data = unixfs(b, node);
        List<Entry> out = new ArrayList<>();
        if (data.type() == UnixFsData.Type.DIRECTORY) {
            for (DagPb.Link l : node.links()) {
                out.add(new Entry(UnixFsNames.check(l.name().orElse("")), l.cid()));
            }
        } else if (data.type() == UnixFsData.Type.HAMT_SHARD) {
            shardEntries(b, node, data, source, out, 0);
        } else {
            throw new IpfsFormatException("not a directory: " + dir + " is a UnixFS " + data.type());
        }
        Set<String> seen = new HashSet<>();
        for (Entry e : out) {
            if (!seen.add(e.name())) {
                throw new UnsafeNameException("directory " + dir + " names " + UnixFsNames.printable(e.name())
                        + " twice");
            }
        }
        return out;
    }

    private static void shardEntries(Block b, DagPb.Node node, UnixFsData data, BlockSource source, List<Entry> out,
            int level) throws IOException {
        if (level > MAX_DEPTH) {
            throw new IpfsFormatException("HAMT shard deeper than " + MAX_DEPTH + " levels");
        }
        long fanout = data.fanout().orElse(0);
        if (fanout < 2 || fanout > 4096 || Long.bitCount(fanout) != 1) {
            throw new IpfsFormatException("HAMT shard " + b.cid() + " with fanout " + fanout);
        }
        int pad = Long.toHexString(fanout - 1).length();
        for (DagPb.Link l : node.links()) {
            String name = l.name().orElse("");
            if (name.length() < pad) {
                throw new IpfsFormatException("HAMT shard " + b.cid() + " link named '" + name + "'");
            }
            if (name.length() == pad) {
                if (l.cid().codec() != Multicodec.DAG_PB.code()) {
                    throw new IpfsFormatException("HAMT sub-shard " + l.cid() + " is not dag-pb");
                }
                Block sub = read(l.cid(), source);
                DagPb.Node subNode = DagPb.decode(sub.data());
                UnixFsData subData = unixfs(sub, subNode);
                if (subData.type() != UnixFsData.Type.HAMT_SHARD) {
                    throw new IpfsFormatException("HAMT sub-shard " + l.cid() + " is a " + subData.type());
                }
                shardEntries(sub, subNode, subData, source, out, level + 1);
            } else {
                out.add(new Entry(UnixFsNames.check(name.substring(pad)), l.cid()));
            }
            if (out.size() > MAX_ENTRIES) {
                throw new IpfsFormatException("directory of more than " + MAX_ENTRIES + " entries");
            }
        }
    }

    /**
     * The entry named {@code name} in the directory {@code dir}: in a plain directory, its link of that name; in a
     * HAMT shard of fanout 256 hashed with murmur3-x64-64, the one child each level's hash byte leads to (so a lookup
     * reads one block a level, not the whole shard); in other shards, found by listing.
     */
    public static java.util.Optional<Cid> lookup(Cid dir, String name, BlockSource source) throws IOException {
        UnixFsNames.check(name);
        if (dir.codec() != Multicodec.DAG_PB.code()) {
            throw new IpfsFormatException("not a directory: " + dir);
        }
        Block b = read(dir, source);
        DagPb.Node node = DagPb.decode(b.data());
        UnixFsData data = unixfs(b, node);
        if (data.type() == UnixFsData.Type.DIRECTORY) {
            return node.links().stream().filter(l -> l.name().orElse("").equals(name)).map(DagPb.Link::cid)
                    .findFirst();
        }
        if (data.type() != UnixFsData.Type.HAMT_SHARD) {
            throw new IpfsFormatException("not a directory: " + dir + " is a UnixFS " + data.type());
        }
        for (int level = 0; level <= MAX_DEPTH; level++) {
            if (data.fanout().orElse(0) != DirectoryImporter.HAMT_FANOUT
                    || data.hashType().orElse(0) != DirectoryImporter.HAMT_HASH) {
                return list(dir, source).stream().filter(e -> e.name().equals(name)).map(Entry::cid).findFirst();
            }
            String prefix = String.format("%02X", DirectoryImporter.hashIndex(name, level));
            DagPb.Link next = null;
            for (DagPb.Link l : node.links()) {
                String n = l.name().orElse("");
                if (n.equals(prefix) || n.equals(prefix + name)) {
                    next = l;
                    break;
                }
            }
            if (next == null) {
                return java.util.Optional.empty();
            }
            if (!next.name().orElseThrow().equals(prefix)) {
                return java.util.Optional.of(next.cid());
            }
            if (next.cid().codec() != Multicodec.DAG_PB.code()) {
                throw new IpfsFormatException("HAMT sub-shard " + next.cid() + " is not dag-pb");
            }
            b = read(next.cid(), source);
            node = DagPb.decode(b.data());
            data = unixfs(b, node);
            if (data.type() != UnixFsData.Type.HAMT_SHARD) {
                throw new IpfsFormatException("HAMT sub-shard " + next.cid() + " is a " + data.type());
            }
        }
        throw new IpfsFormatException("HAMT shard deeper than " + MAX_DEPTH + " levels");
    }

    /**
     * The CID at {@code path} under {@code root}: names separated by {@code /} (empty ones, as in {@code a//b} or a
     * trailing slash, are skipped), each looked up in the directory before it.
     *
     * @throws NoSuchFileException if a name is not in its directory
     */
    public static Cid resolve(Cid root, String path, BlockSource source) throws IOException {
        Cid at = root;
        String walked = root.toString();
        for (String name : path.split("/", -1)) {
            if (name.isEmpty()) {
                continue;
            }
            UnixFsNames.check(name);
            if (kind(at, source) != Kind.DIRECTORY) {
                throw new NoSuchFileException(walked + "/" + name, null, walked + " is not a directory");
            }
            String here = walked + "/" + name;
            at = lookup(at, name, source).orElseThrow(() -> new NoSuchFileException(here, null, "no such entry"));
            walked = here;
        }
        return at;
    }

    /**
     * Writes the file or tree under {@code cid} to {@code target}, which must not exist: a file through a temporary
     * file, a tree into a temporary directory beside {@code target} renamed into place once whole (removed on
     * failure).
     */
    public static Result export(Cid cid, BlockSource source, Path target) throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "exists already (a tree is written to a new path)");
        }
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Path tmp = parent.resolve(abs.getFileName() + ".part-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        long[] counts = new long[3];
        Kind kind = kind(cid, source);
        try {
            switch (kind) {
                case FILE -> writeFile(cid, source, tmp, counts);
                case DIRECTORY -> {
                    Files.createDirectory(tmp);
                    counts[1]++;
                    writeTree(cid, source, tmp, counts, 0);
                }
                case SYMLINK -> throw new UnsupportedEntryException("UnixFS symlink " + cid + " is not written");
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        return new Result(kind, counts[0], counts[1], counts[2]);
    }

    private static void writeFile(Cid cid, BlockSource source, Path file, long[] counts) throws IOException {
        try (OutputStream o = new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
            counts[2] += UnixFsExporter.export(cid, source, o);
        }
        counts[0]++;
    }

    private static void writeTree(Cid dir, BlockSource source, Path into, long[] counts, int depth)
            throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IpfsFormatException("directories nested more than " + MAX_DEPTH + " deep");
        }
        for (Entry e : list(dir, source)) {
            if (counts[0] + counts[1] >= MAX_ENTRIES) {
                throw new IpfsFormatException("tree of more than " + MAX_ENTRIES + " entries");
            }
            Path child;
            try {
                child = into.resolve(e.name()).normalize();
            } catch (java.nio.file.InvalidPathException bad) {
                // A name this system cannot write: not UTF-8 file names (the locale), or a character it refuses.
                throw new UnsafeNameException("entry " + UnixFsNames.printable(e.name()) + " cannot be a file name"
                        + " here: " + bad.getReason() + " (file names follow the locale; use a UTF-8 one)");
            }
            if (!into.equals(child.getParent())) {
                throw new UnsafeNameException("entry " + UnixFsNames.printable(e.name()) + " would be written outside "
                        + into);
            }
            switch (kind(e.cid(), source)) {
                case FILE -> writeFile(e.cid(), source, child, counts);
                case DIRECTORY -> {
                    Files.createDirectory(child);
                    counts[1]++;
                    writeTree(e.cid(), source, child, counts, depth + 1);
                }
                case SYMLINK -> throw new UnsupportedEntryException("UnixFS symlink " + child + " is not written");
            }
        }
    }

    private static void deleteTree(Path p) {
        try {
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: the partial tree keeps its .part- name
        }
    }
}
