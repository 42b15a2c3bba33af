package org.jlibp2p.core.multiformats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MultihashTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void knownDigests() throws Exception {
        // sha2-256("foo") and sha2-512("foo"), as in the multihash spec examples.
        Multihash sha256 = Multihash.sha256("foo".getBytes(UTF_8));
        assertEquals("12202c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", hex(sha256.bytes()));
        Multihash sha512 = Multihash.sha512("foo".getBytes(UTF_8));
        assertEquals("1340f7fbba6e0636f890e56fbbf3283e524c6fa3204ae298382d624741d0dc6638326e282c41be5e4254d8820772c5518a2c"
                + "5a8c0c7f7eda19594a7eb539453e1ed7", hex(sha512.bytes()));
        assertEquals(0x12, sha256.code());
        assertEquals(32, sha256.digestLength());
        assertEquals(sha256, Multihash.fromBytes(sha256.bytes()));
        assertEquals(sha512, Multihash.fromBytes(sha512.bytes()));
        assertEquals("0003010203", hex(Multihash.identity(hex("010203")).bytes()));
        assertEquals("0000", hex(Multihash.identity(new byte[0]).bytes()));
    }

    @Test
    void isImmutableAndComparesByContent() {
        byte[] data = hex("0102");
        Multihash a = Multihash.identity(data);
        data[0] = 9;
        assertEquals(Multihash.identity(hex("0102")), a);
        a.digest()[0] = 9;
        assertEquals(Multihash.identity(hex("0102")), a);
        assertEquals(Multihash.identity(hex("0102")).hashCode(), a.hashCode());
        assertNotEquals(Multihash.identity(hex("0103")), a);
        assertNotEquals(Multihash.of(0x99, hex("0102")), a);
    }

    @Test
    void decodeAtOffsetReportsLength() throws Exception {
        byte[] buf = hex("ff0003010203ee");
        Multihash.Decoded d = Multihash.decode(buf, 1, buf.length);
        assertEquals(Multihash.identity(hex("010203")), d.multihash());
        assertEquals(5, d.length());
    }

    @Test
    void rejectsMalformedBytes() {
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(new byte[0]));
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("12")));
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("1220")));
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("120101")), "sha2-256 of 1 byte");
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("00020102ff")), "left over");
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("000301")), "truncated");
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("0080808080080102")), "2 GB length");
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("008000")), "non-minimal varint");
        assertThrows(MultihashException.class, () -> Multihash.fromBytes(hex("ffffffffffffffff7f00")), "huge code");
        assertThrows(IllegalArgumentException.class, () -> Multihash.of(Multicodec.SHA2_256, new byte[31]));
    }

    @Property
    void roundTrips(@ForAll @Size(max = 200) byte[] data) throws MultihashException {
        for (Multihash mh : new Multihash[] {Multihash.identity(data), Multihash.sha256(data), Multihash.sha512(data)}) {
            assertEquals(mh, Multihash.fromBytes(mh.bytes()));
            assertArrayEquals(mh.bytes(), Multihash.fromBytes(mh.bytes()).bytes());
        }
    }
}
