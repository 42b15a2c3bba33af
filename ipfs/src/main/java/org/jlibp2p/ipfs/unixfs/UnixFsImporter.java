package org.jlibp2p.ipfs.unixfs;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.blockstore.Blockstore;

/**
 * Imports a file as a UnixFS DAG: fixed-size chunks, leaves raw or UnixFS file nodes, and a balanced tree of at most
 * {@code maxLinks} children a node, built as the IPFS importers build it (leaves grouped by {@code maxLinks} into
 * parents, parents grouped again, until one node is left; a file of one chunk is that chunk). Streams: memory holds
 * one chunk and at most {@code maxLinks} pending links per tree level.
 */
public final class UnixFsImporter {
    private UnixFsImporter() {}

    /**
     * The root, the file's size and the number of blocks written (including those already stored); {@code dagSize} is
     * the bytes of every block of the DAG, the size a parent directory's link to it carries.
     */
    public record Result(Cid root, long size, long blocks, long dagSize) {}

    private record Child(Cid cid, long fileSize, long tsize) {}

    public static Result importFile(InputStream in, ImportOptions options, Blockstore store) throws IOException {
        List<List<Child>> levels = new ArrayList<>();
        levels.add(new ArrayList<>());
        long size = 0;
        long[] blocks = {0};
        byte[] chunk = new byte[options.chunkSize()];
        boolean first = true;
        while (true) {
            int n = in.readNBytes(chunk, 0, chunk.length);
            if (n == 0 && !first) {
                break;
            }
            first = false;
            byte[] data = java.util.Arrays.copyOf(chunk, n);
            size += n;
            Child leaf = leaf(data, options, store);
            blocks[0]++;
            add(levels, 0, leaf, options, store, blocks);
            if (n < chunk.length) {
                break;
            }
        }
        // Collapse: each level's pending children become a parent on the level above, until one node remains.
        for (int i = 0; ; i++) {
            List<Child> level = levels.get(i);
            boolean top = i == levels.size() - 1;
            if (top && level.size() == 1) {
                return new Result(level.getFirst().cid(), size, blocks[0], level.getFirst().tsize());
            }
            Child parent = parent(level, options, store);
            blocks[0]++;
            level.clear();
            if (top) {
                levels.add(new ArrayList<>());
            }
            add(levels, i + 1, parent, options, store, blocks);
        }
    }

    private static void add(List<List<Child>> levels, int i, Child c, ImportOptions o, Blockstore store, long[] blocks)
            throws IOException {
        List<Child> level = levels.get(i);
        if (level.size() == o.maxLinks()) {
            Child parent = parent(level, o, store);
            blocks[0]++;
            level.clear();
            if (levels.size() == i + 1) {
                levels.add(new ArrayList<>());
            }
            add(levels, i + 1, parent, o, store, blocks);
        }
        level.add(c);
    }

    private static Child leaf(byte[] data, ImportOptions o, Blockstore store) throws IOException {
        Block b;
        if (o.rawLeaves()) {
            b = Block.of(1, Multicodec.RAW.code(), data);
            store.put(b);
            return new Child(b.cid(), data.length, data.length);
        }
        byte[] node = DagPb.encode(new DagPb.Node(List.of(), java.util.Optional.of(UnixFsData.fileLeaf(data).encode())));
        b = Block.of(o.cidVersion(), Multicodec.DAG_PB.code(), node);
        store.put(b);
        return new Child(b.cid(), data.length, node.length);
    }

    private static Child parent(List<Child> children, ImportOptions o, Blockstore store) throws IOException {
        List<DagPb.Link> links = new ArrayList<>(children.size());
        List<Long> sizes = new ArrayList<>(children.size());
        long tsize = 0;
        for (Child c : children) {
            links.add(DagPb.Link.of(c.cid(), "", c.tsize()));
            sizes.add(c.fileSize());
            tsize += c.tsize();
        }
        UnixFsData data = UnixFsData.fileNode(sizes);
        byte[] node = DagPb.encode(new DagPb.Node(links, java.util.Optional.of(data.encode())));
        Block b = Block.of(o.cidVersion(), Multicodec.DAG_PB.code(), node);
        store.put(b);
        return new Child(b.cid(), data.fileSize(), tsize + node.length);
    }
}
