package org.jlibp2p.ipfs.blockstore;

import java.io.IOException;
import java.util.Optional;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.ipfs.Block;

/**
 * Where blocks live. Blocks are keyed by their multihash, as in IPFS: a CIDv0 and a CIDv1 dag-pb of the same bytes
 * name one stored block, and a raw and a dag-pb CID of the same hash too. Implementations are thread-safe.
 */
public interface Blockstore {
    boolean has(Cid cid) throws IOException;

    /** The block, if stored; its bytes were checked against the hash when stored. */
    Optional<Block> get(Cid cid) throws IOException;

    /** The stored size of the block, if stored. */
    Optional<Integer> size(Cid cid) throws IOException;

    /**
     * Stores {@code block} (a no-op if already stored).
     *
     * @throws BlockstoreFullException if it would pass the store's bound
     */
    void put(Block block) throws IOException;

    void delete(Cid cid) throws IOException;

    /** Bytes stored. */
    long usedBytes();
}
