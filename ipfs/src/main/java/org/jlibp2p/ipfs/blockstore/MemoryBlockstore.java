package org.jlibp2p.ipfs.blockstore;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.ipfs.Block;

/** Blocks in memory, up to a bound in bytes: for tests and short-lived nodes. */
public final class MemoryBlockstore implements Blockstore {
    private final ConcurrentHashMap<Multihash, byte[]> blocks = new ConcurrentHashMap<>();
    private final AtomicLong used = new AtomicLong();
    private final long maxBytes;

    public MemoryBlockstore(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public MemoryBlockstore() {
        this(Long.MAX_VALUE);
    }

    @Override
    public boolean has(Cid cid) {
        return blocks.containsKey(cid.multihash());
    }

    @Override
    public Optional<Block> get(Cid cid) {
        return Optional.ofNullable(blocks.get(cid.multihash())).map(d -> new Block(cid, d));
    }

    @Override
    public Optional<Integer> size(Cid cid) {
        return Optional.ofNullable(blocks.get(cid.multihash())).map(d -> d.length);
    }

    @Override
    public void put(Block block) throws BlockstoreFullException {
        if (blocks.containsKey(block.cid().multihash())) {
            return;
        }
        long after = used.addAndGet(block.data().length);
        if (after > maxBytes) {
            used.addAndGet(-block.data().length);
            throw new BlockstoreFullException("blockstore full (" + maxBytes + " bytes)");
        }
        if (blocks.putIfAbsent(block.cid().multihash(), block.data()) != null) {
            used.addAndGet(-block.data().length);
        }
    }

    @Override
    public void delete(Cid cid) {
        byte[] d = blocks.remove(cid.multihash());
        if (d != null) {
            used.addAndGet(-d.length);
        }
    }

    @Override
    public long usedBytes() {
        return used.get();
    }

    public int count() {
        return blocks.size();
    }
}
