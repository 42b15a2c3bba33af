package org.jlibp2p.examples.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChainTest {
    private static final PrivateKey KEY = Keys.generateEd25519().privateKey();

    private static Transaction tx(long nonce) {
        return Transaction.sign(KEY, nonce, ("tx " + nonce).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBlockIsAppendedOnlyOnTheHead() {
        Chain chain = new Chain();
        Block b1 = new Block(1, Block.GENESIS.hash(), 1, List.of(tx(1)));
        Block b2 = new Block(2, b1.hash(), 2, List.of(tx(2)));
        assertEquals(Chain.Append.GAP, chain.append(b2));
        assertEquals(Chain.Append.INVALID, chain.append(new Block(1, Hash.ZERO, 1, List.of())));
        assertEquals(Chain.Append.APPENDED, chain.append(b1));
        assertEquals(Chain.Append.KNOWN, chain.append(b1));
        assertEquals(Chain.Append.KNOWN, chain.append(new Block(1, Block.GENESIS.hash(), 9, List.of())));
        assertEquals(Chain.Append.APPENDED, chain.append(b2));
        assertEquals(2, chain.height());
        assertEquals(b2.hash(), chain.headHash());
        assertEquals(List.of(b1, b2), chain.range(new LedgerCodec.Range(1, 32)));
    }

    @Test
    void aTransactionIsConfirmedOnceAndLeavesThePool() {
        Chain chain = new Chain();
        Transaction t = tx(1);
        assertTrue(chain.addToPool(t));
        assertFalse(chain.addToPool(t));
        Block b1 = chain.nextBlock(1);
        assertEquals(List.of(t), b1.transactions());
        assertEquals(Chain.Append.APPENDED, chain.append(b1));
        assertEquals(0, chain.poolSize());
        assertTrue(chain.knows(t.id()));
        assertFalse(chain.addToPool(t), "a confirmed transaction is not pooled again");
        assertEquals(Chain.Append.INVALID, chain.append(new Block(2, b1.hash(), 2, List.of(t))),
                "a block confirming a transaction again");
        Transaction forged = new Transaction(t.sender(), 7, t.payload(), t.signature());
        assertEquals(Chain.Append.INVALID, chain.append(new Block(2, b1.hash(), 2, List.of(forged))));
    }

    @Test
    void thePoolIsBounded() {
        Chain chain = new Chain();
        for (int i = 0; i < Chain.MAX_POOL; i++) {
            assertTrue(chain.addToPool(tx(i)));
        }
        assertFalse(chain.addToPool(tx(-1)));
        assertEquals(Chain.MAX_POOL, chain.poolSize());
        assertEquals(LedgerCodec.MAX_TRANSACTIONS, chain.nextBlock(0).transactions().size());
    }
}
