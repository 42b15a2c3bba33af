package org.jlibp2p.examples.ledger;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A block of the toy chain: its height, its parent's hash, when it was made, and the transactions it confirms. Its
 * hash is SHA-256 of its encoding ({@link LedgerCodec#encode(Block)}), so a block cannot be changed without changing
 * its hash, nor a parent without changing every descendant's.
 */
public record Block(long height, Hash parent, long timestampMillis, List<Transaction> transactions) {
    /** The first block, the same on every node. */
    public static final Block GENESIS = new Block(0, Hash.ZERO, 0, List.of());

    public Block {
        if (height < 0) {
            throw new IllegalArgumentException("negative height");
        }
        if (transactions.size() > LedgerCodec.MAX_TRANSACTIONS) {
            throw new IllegalArgumentException("more than " + LedgerCodec.MAX_TRANSACTIONS + " transactions");
        }
        transactions = List.copyOf(transactions);
    }

    public Hash hash() {
        return Hash.of(LedgerCodec.encode(this));
    }

    /**
     * Whether the block holds up on its own: every transaction signed by its sender, none twice. (Whether it fits
     * the chain is {@link Chain#append}'s question.)
     */
    public boolean wellFormed() {
        Set<Hash> ids = new HashSet<>();
        for (Transaction t : transactions) {
            if (!t.verify() || !ids.add(t.id())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Block[" + height + " " + hash().shortHex() + ", parent " + parent.shortHex() + ", "
                + transactions.size() + " txs]";
    }
}
