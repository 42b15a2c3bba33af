package org.jlibp2p.examples.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LedgerCodecTest {
    private static final PrivateKey KEY = Keys.generateEd25519().privateKey();

    private static Transaction tx(String text, long nonce) {
        return Transaction.sign(KEY, nonce, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTransactionSurvivesARoundTripAndItsSignatureHolds() throws Exception {
        Transaction t = tx("alice pays bob 5", 1);
        Transaction back = LedgerCodec.decodeTransaction(LedgerCodec.encode(t));
        assertEquals(t, back);
        assertEquals(t.id(), back.id());
        assertTrue(back.verify());
    }

    @Test
    void aChangedPayloadOrNonceBreaksTheSignature() {
        Transaction t = tx("alice pays bob 5", 1);
        assertFalse(new Transaction(t.sender(), t.nonce(), "alice pays bob 500".getBytes(StandardCharsets.UTF_8),
                t.signature()).verify());
        assertFalse(new Transaction(t.sender(), 2, t.payload(), t.signature()).verify());
        byte[] otherKey = Keys.generateEd25519().privateKey().publicKey().marshal();
        assertFalse(new Transaction(otherKey, t.nonce(), t.payload(), t.signature()).verify());
        assertFalse(new Transaction(new byte[] {1, 2, 3}, t.nonce(), t.payload(), t.signature()).verify());
    }

    @Test
    void aBlockSurvivesARoundTripAndItsHashCoversEveryField() throws Exception {
        Block b = new Block(1, Block.GENESIS.hash(), 1234, List.of(tx("a", 1), tx("b", 2)));
        Block back = LedgerCodec.decodeBlock(LedgerCodec.encode(b));
        assertEquals(b.hash(), back.hash());
        assertEquals(b.transactions(), back.transactions());
        assertTrue(back.wellFormed());
        assertFalse(b.hash().equals(new Block(1, Block.GENESIS.hash(), 1235, b.transactions()).hash()));
        assertFalse(b.hash().equals(new Block(1, Block.GENESIS.hash(), 1234, List.of(tx("a", 1))).hash()));
    }

    @Test
    void aBlockWithATransactionTwiceOrAForgedOneIsNotWellFormed() {
        Transaction t = tx("a", 1);
        assertFalse(new Block(1, Hash.ZERO, 0, List.of(t, t)).wellFormed());
        Transaction forged = new Transaction(t.sender(), 9, t.payload(), t.signature());
        assertFalse(new Block(1, Hash.ZERO, 0, List.of(forged)).wellFormed());
    }

    @Test
    void statusAndRangeRoundTrip() throws Exception {
        LedgerCodec.Status s = new LedgerCodec.Status(42, Block.GENESIS.hash());
        assertEquals(s, LedgerCodec.decodeStatus(LedgerCodec.encode(s)));
        LedgerCodec.Range r = new LedgerCodec.Range(7, LedgerCodec.MAX_RANGE);
        assertEquals(r, LedgerCodec.decodeRange(LedgerCodec.encode(r)));
    }

    @Test
    void truncatedTrailingAndOverLimitInputIsRefused() {
        byte[] t = LedgerCodec.encode(tx("hello", 3));
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeTransaction(Arrays.copyOf(t, t.length - 1)));
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeTransaction(Arrays.copyOf(t, t.length + 1)));
        byte[] block = LedgerCodec.encode(new Block(1, Hash.ZERO, 0, List.of(tx("x", 1))));
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeBlock(Arrays.copyOf(block, 20)));
        // a payload length over the limit is refused before anything is allocated for it
        byte[] big = ByteBuffer.allocate(2 + 4 + 8 + 2).putShort((short) 4).putInt(0).putLong(0)
                .putShort((short) (LedgerCodec.MAX_PAYLOAD + 1)).array();
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeTransaction(big));
        // a block claiming more transactions than allowed
        byte[] many = ByteBuffer.allocate(8 + 32 + 8 + 2).putLong(1).put(new byte[32]).putLong(0)
                .putShort((short) (LedgerCodec.MAX_TRANSACTIONS + 1)).array();
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeBlock(many));
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeBlock(new byte[LedgerCodec.MAX_BLOCK_BYTES + 1]));
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeRange(
                ByteBuffer.allocate(LedgerCodec.RANGE_BYTES).putLong(0).putShort((short) 0).array()));
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeRange(
                ByteBuffer.allocate(LedgerCodec.RANGE_BYTES).putLong(-1).putShort((short) 1).array()));
        assertThrows(LedgerFormatException.class, () -> LedgerCodec.decodeStatus(new byte[LedgerCodec.STATUS_BYTES + 1]));
    }

    @Property(tries = 500)
    void randomBytesDecodeOrFailWithAFormatExceptionOnly(@ForAll @Size(max = 600) byte[] bytes) {
        for (Decoder d : List.<Decoder>of(LedgerCodec::decodeTransaction, LedgerCodec::decodeBlock,
                LedgerCodec::decodeStatus, LedgerCodec::decodeRange)) {
            try {
                d.decode(bytes);
            } catch (LedgerFormatException expected) {
                // the only way a peer's bytes may fail
            }
        }
    }

    @Property(tries = 200)
    void aBlockWithOneByteChangedIsRefusedOrHashesDifferently(@ForAll byte flip, @ForAll int where) {
        Block b = new Block(3, Hash.ZERO, 99, List.of(tx("p", 5)));
        byte[] bytes = LedgerCodec.encode(b);
        int i = Math.floorMod(where, bytes.length);
        if (flip == 0) {
            flip = 1;
        }
        bytes[i] ^= flip;
        try {
            Block changed = LedgerCodec.decodeBlock(bytes);
            assertFalse(changed.hash().equals(b.hash()));
        } catch (LedgerFormatException refused) {
            // fine: malformed
        }
    }

    private interface Decoder {
        Object decode(byte[] bytes) throws LedgerFormatException;
    }
}
