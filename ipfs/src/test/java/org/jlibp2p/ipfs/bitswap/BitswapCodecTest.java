package org.jlibp2p.ipfs.bitswap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BitswapCodecTest {
    private static final BitswapLimits LIMITS = BitswapLimits.defaults();

    @Test
    void roundTrip() throws IOException {
        Block raw = Block.of(1, Multicodec.RAW.code(), TestBytes.of(1000, 1));
        Block v0 = Block.of(0, Multicodec.DAG_PB.code(), new byte[] {0x0a, 0x02, 0x08, 0x02});
        BitswapMessage m = new BitswapMessage(
                List.of(BitswapMessage.Entry.wantBlock(raw.cid(), 5), BitswapMessage.Entry.wantHave(v0.cid(), 3),
                        BitswapMessage.Entry.cancel(raw.cid())),
                true, List.of(raw, v0),
                List.of(new BitswapMessage.Presence(raw.cid(), true), new BitswapMessage.Presence(v0.cid(), false)),
                1234);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BitswapCodec.write(out, m);
        BitswapMessage back = BitswapCodec.read(new ByteArrayInputStream(out.toByteArray()), LIMITS);
        assertEquals(m.wantlist(), back.wantlist());
        assertEquals(m.presences(), back.presences());
        assertEquals(m.blocks(), back.blocks());
        assertEquals(true, back.full());
        assertEquals(1234, back.pendingBytes());
        assertEquals(0, back.blocks().get(1).cid().version(), "a CIDv0 prefix gives back a CIDv0");
    }

    @Test
    void theHashOfAReceivedBlockIsComputedNotTrusted() throws IOException {
        Block real = Block.of(1, Multicodec.RAW.code(), TestBytes.of(100, 1));
        byte[] other = TestBytes.of(100, 2);
        byte[] frame = BitswapCodec.encode(new BitswapMessage(List.of(), false, List.of(new Block(real.cid(), other)),
                List.of(), 0));
        Block got = BitswapCodec.decode(frame, LIMITS).blocks().getFirst();
        assertArrayEquals(other, got.data());
        assertEquals(Block.of(1, Multicodec.RAW.code(), other).cid(), got.cid());
    }

    @Test
    void anEmptyBlockWithoutItsDataFieldIsTheEmptyBlock() throws IOException {
        // proto3 writers (js) leave an empty bytes field out: Message{payload = 3: Block{prefix = 1}}, no data = 2
        Block empty = Block.of(1, Multicodec.RAW.code(), new byte[0]);
        byte[] prefix = BitswapCodec.prefix(empty.cid());
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x0a);
        block.write(prefix.length);
        block.writeBytes(prefix);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x1a);
        frame.write(block.size());
        frame.writeBytes(block.toByteArray());
        BitswapMessage m = BitswapCodec.decode(frame.toByteArray(), LIMITS);
        assertEquals(List.of(empty), m.blocks());
        assertEquals("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", m.blocks().getFirst().cid().toString());
    }

    @Test
    void limitsAreEnforced() {
        Cid cid = Block.of(1, Multicodec.RAW.code(), new byte[1]).cid();
        List<BitswapMessage.Entry> many = new ArrayList<>();
        for (int i = 0; i <= LIMITS.maxWantlistEntries(); i++) {
            many.add(BitswapMessage.Entry.wantBlock(cid, i));
        }
        assertThrows(BitswapProtocolException.class,
                () -> BitswapCodec.decode(BitswapCodec.encode(BitswapMessage.wants(many)), LIMITS));
        BitswapLimits small = new BitswapLimits(1 << 20, 1000, 10, 10, 10, 10);
        byte[] big = BitswapCodec.encode(new BitswapMessage(List.of(), false,
                List.of(Block.of(1, Multicodec.RAW.code(), new byte[1001])), List.of(), 0));
        assertThrows(BitswapProtocolException.class, () -> BitswapCodec.decode(big, small));
        // a length prefix beyond the message limit is refused before anything is read or allocated
        byte[] hugePrefix = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        assertThrows(BitswapProtocolException.class,
                () -> BitswapCodec.read(new ByteArrayInputStream(hugePrefix), LIMITS));
    }

    @Test
    void malformedInputIsATypedError() {
        byte[][] bad = {
            {0x0a, 0x05, 0x0a, 0x03, 0x01, 0x02}, // truncated wantlist entry
            {0x1a, 0x04, 0x0a, 0x02, 0x01, 0x55}, // a block without data
            {0x1a, 0x07, 0x0a, 0x03, 0x01, 0x55, 0x13, 0x12, 0x00}, // prefix truncated (no digest length)
            {0x1a, 0x08, 0x0a, 0x04, 0x01, 0x55, 0x11, 0x14, 0x12, 0x00}, // sha1: unsupported
            {0x22, 0x02, 0x10, 0x01}, // a presence without a CID
            {0x0f}, // a bad tag
        };
        for (byte[] b : bad) {
            assertThrows(BitswapProtocolException.class, () -> BitswapCodec.decode(b, LIMITS));
        }
    }
}
