package org.jlibp2p.core.multiformats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class VarintTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void specVectors() throws Exception {
        // The examples of the multiformats unsigned-varint spec.
        long[] values = {1, 127, 128, 255, 300, 16384};
        String[] encodings = {"01", "7f", "8001", "ff01", "ac02", "808001"};
        for (int i = 0; i < values.length; i++) {
            assertArrayEquals(hex(encodings[i]), Varint.encode(values[i]));
            assertEquals(values[i], Varint.decode(hex(encodings[i])).value());
            assertEquals(encodings[i].length() / 2, Varint.decode(hex(encodings[i])).length());
        }
        assertArrayEquals(hex("ffffffffffffffff7f"), Varint.encode(Long.MAX_VALUE));
        assertEquals(9, Varint.encodedLength(Long.MAX_VALUE));
    }

    @Test
    void rejectsNonMinimalEncodings() {
        assertThrows(VarintException.class, () -> Varint.decode(hex("8000")));
        assertThrows(VarintException.class, () -> Varint.decode(hex("ff00")));
        assertThrows(VarintException.class, () -> Varint.read(new ByteArrayInputStream(hex("818000"))));
        assertThrows(VarintException.class, () -> Varint.decode(ByteBuffer.wrap(hex("8000"))));
    }

    @Test
    void rejectsOverlongAndTruncatedEncodings() {
        assertThrows(VarintException.class, () -> Varint.decode(hex("ffffffffffffffffff01")));
        assertThrows(VarintException.class, () -> Varint.decode(hex("80")));
        assertThrows(VarintException.class, () -> Varint.decode(new byte[0]));
        assertThrows(VarintException.class, () -> Varint.read(new ByteArrayInputStream(hex("8080"))));
        assertThrows(EOFException.class, () -> Varint.read(new ByteArrayInputStream(new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> Varint.encode(-1));
    }

    @Test
    void failedBufferDecodeLeavesPositionAlone() {
        ByteBuffer buf = ByteBuffer.wrap(hex("ff"));
        assertThrows(VarintException.class, () -> Varint.decode(buf));
        assertEquals(0, buf.position());
    }

    @Property
    void roundTripsEveryForm(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long value) throws IOException {
        byte[] encoded = Varint.encode(value);
        assertEquals(Varint.encodedLength(value), encoded.length);
        assertEquals(new Varint.Decoded(value, encoded.length), Varint.decode(encoded));

        ByteBuffer buf = ByteBuffer.allocate(12);
        Varint.encode(value, buf);
        buf.flip();
        assertEquals(value, Varint.decode(buf));
        assertEquals(encoded.length, buf.position());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Varint.write(value, out);
        assertArrayEquals(encoded, out.toByteArray());
        assertEquals(value, Varint.read(new ByteArrayInputStream(encoded)));
    }
}
