package org.jlibp2p.examples.ledger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A node's copy of the chain and its pool of transactions not yet in a block. The toy rule: a block extends the
 * chain when it sits on the head (its parent is the head's hash, its height one more) and confirms no transaction
 * twice; the first such block at a height wins (no forks). Thread-safe: the gossip validators, the block fetcher and
 * the application all touch it, and nothing blocks while holding its lock.
 */
public final class Chain {
    /** What {@link #append} made of a block. */
    public enum Append {
        /** The block is the new head. */
        APPENDED,
        /** The chain holds it already (or another block at its height: first wins). */
        KNOWN,
        /** The block is ahead of the head: the blocks between are missing, fetch them. */
        GAP,
        /** The block is not valid here: it does not sit on its parent, or confirms a transaction twice. */
        INVALID
    }

    /** The most transactions waiting for a block; more are refused. */
    public static final int MAX_POOL = 1_000;

    private final List<Block> blocks = new ArrayList<>(List.of(Block.GENESIS));
    private final List<Hash> hashes = new ArrayList<>(List.of(Block.GENESIS.hash()));
    private final Set<Hash> confirmed = new HashSet<>();
    private final LinkedHashMap<Hash, Transaction> pool = new LinkedHashMap<>();

    public synchronized long height() {
        return blocks.size() - 1;
    }

    public synchronized Block head() {
        return blocks.getLast();
    }

    public synchronized Hash headHash() {
        return hashes.getLast();
    }

    public synchronized LedgerCodec.Status status() {
        return new LedgerCodec.Status(height(), headHash());
    }

    public synchronized Optional<Block> at(long height) {
        return height >= 0 && height < blocks.size() ? Optional.of(blocks.get((int) height)) : Optional.empty();
    }

    /** The blocks of {@code range} the chain holds, in order. */
    public synchronized List<Block> range(LedgerCodec.Range range) {
        List<Block> out = new ArrayList<>();
        for (long h = range.from(); h < range.from() + range.count() && h < blocks.size(); h++) {
            out.add(blocks.get((int) h));
        }
        return out;
    }

    /** Appends {@code block} if it extends the head; see {@link Append}. Checks signatures first. */
    public Append append(Block block) {
        if (!block.wellFormed()) {
            return Append.INVALID;
        }
        Hash hash = block.hash();
        synchronized (this) {
            long height = height();
            if (block.height() <= height) {
                return Append.KNOWN;
            }
            if (block.height() > height + 1) {
                return Append.GAP;
            }
            if (!block.parent().equals(hashes.getLast())) {
                return Append.INVALID;
            }
            for (Transaction t : block.transactions()) {
                if (confirmed.contains(t.id())) {
                    return Append.INVALID;
                }
            }
            blocks.add(block);
            hashes.add(hash);
            for (Transaction t : block.transactions()) {
                Hash id = t.id();
                confirmed.add(id);
                pool.remove(id);
            }
            return Append.APPENDED;
        }
    }

    /** Whether the transaction is waiting in the pool or confirmed already. */
    public synchronized boolean knows(Hash transactionId) {
        return pool.containsKey(transactionId) || confirmed.contains(transactionId);
    }

    /** Adds a transaction to the pool; false when known already or the pool is full. */
    public synchronized boolean addToPool(Transaction t) {
        Hash id = t.id();
        if (knows(id) || pool.size() >= MAX_POOL) {
            return false;
        }
        pool.put(id, t);
        return true;
    }

    public synchronized int poolSize() {
        return pool.size();
    }

    /** A new block on the head with up to {@link LedgerCodec#MAX_TRANSACTIONS} pooled transactions; not appended. */
    public synchronized Block nextBlock(long timestampMillis) {
        List<Transaction> txs = pool.values().stream().limit(LedgerCodec.MAX_TRANSACTIONS).toList();
        return new Block(height() + 1, headHash(), timestampMillis, txs);
    }
}
