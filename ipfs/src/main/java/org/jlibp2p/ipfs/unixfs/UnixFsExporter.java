package org.jlibp2p.ipfs.unixfs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.IpfsFormatException;

/**
 * Writes out the file a UnixFS DAG stands for, walking it depth first, in order. Every block is checked against its
 * CID as it is read; the walk is bounded in depth, and sizes must agree with what parents claim.
 */
public final class UnixFsExporter {
    /** The deepest tree walked (a 1024-ary tree of depth 32 is far beyond any file). */
    public static final int MAX_DEPTH = 32;

    private UnixFsExporter() {}

    /** Where the exporter reads blocks from. */
    @FunctionalInterface
    public interface BlockSource {
        Optional<Block> get(Cid cid) throws IOException;
    }

    /**
     * The CIDs a block links to, in order: none for a raw block, the links of a dag-pb node. The block must be a
     * UnixFS file node or a raw block.
     */
    public static List<Cid> children(Block block) throws IpfsFormatException {
        if (block.cid().codec() == Multicodec.RAW.code()) {
            return List.of();
        }
        if (block.cid().codec() != Multicodec.DAG_PB.code()) {
            throw new IpfsFormatException("not a UnixFS block: codec " + block.cid().codec());
        }
        List<Cid> out = new ArrayList<>();
        for (DagPb.Link l : DagPb.decode(block.data()).links()) {
            out.add(l.cid());
        }
        return out;
    }

    /** The size of the file rooted at {@code root}. */
    public static long fileSize(Block root) throws IpfsFormatException {
        if (root.cid().codec() == Multicodec.RAW.code()) {
            return root.data().length;
        }
        DagPb.Node node = DagPb.decode(root.data());
        return UnixFsData.decode(node.data().orElseThrow(() -> new IpfsFormatException("dag-pb node without data")))
                .fileSize();
    }

    /** Writes the file rooted at {@code root} to {@code out}; returns its size. */
    public static long export(Cid root, BlockSource source, OutputStream out) throws IOException {
        return write(root, source, out, 0);
    }

    private static long write(Cid cid, BlockSource source, OutputStream out, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IpfsFormatException("DAG deeper than " + MAX_DEPTH);
        }
        Block raw = source.get(cid).orElseThrow(() -> new IOException("block " + cid + " is missing"));
        Block block = Block.verified(cid, raw.data());
        if (cid.codec() == Multicodec.RAW.code()) {
            out.write(block.data());
            return block.data().length;
        }
        if (cid.codec() != Multicodec.DAG_PB.code()) {
            throw new IpfsFormatException("not a UnixFS block: codec " + cid.codec());
        }
        DagPb.Node node = DagPb.decode(block.data());
        UnixFsData data = UnixFsData.decode(
                node.data().orElseThrow(() -> new IpfsFormatException("dag-pb node without UnixFS data")));
        if (data.type() != UnixFsData.Type.FILE && data.type() != UnixFsData.Type.RAW) {
            throw new IpfsFormatException("not a file: " + data.type());
        }
        if (!node.links().isEmpty() && data.blocksizes().size() != node.links().size()) {
            throw new IpfsFormatException("UnixFS node with " + node.links().size() + " links and "
                    + data.blocksizes().size() + " block sizes");
        }
        long written = 0;
        if (data.data().isPresent()) {
            out.write(data.data().get());
            written += data.data().get().length;
        }
        for (int i = 0; i < node.links().size(); i++) {
            long n = write(node.links().get(i).cid(), source, out, depth + 1);
            if (n != data.blocksizes().get(i)) {
                throw new IpfsFormatException("child " + i + " of " + cid + " holds " + n + " bytes, its parent says "
                        + data.blocksizes().get(i));
            }
            written += n;
        }
        return written;
    }
}
