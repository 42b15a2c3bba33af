package org.jlibp2p.core.multiformats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CidTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void specExamples() throws Exception {
        // The IPFS docs' example: a CIDv0 and the same content as CIDv1 in base32.
        Cid v0 = Cid.parse("QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR");
        assertEquals(0, v0.version());
        assertEquals(Multicodec.DAG_PB.code(), v0.codec());
        assertEquals(Multicodec.SHA2_256.code(), v0.multihash().code());
        assertEquals("QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR", v0.toString());
        assertEquals("QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR", v0.toString(Multibase.Encoding.BASE58BTC));
        Cid v1 = Cid.parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
        assertEquals(1, v1.version());
        assertEquals(v0.multihash(), v1.multihash());
        assertEquals(v1, v0.toV1());
        assertEquals("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", v1.toString());
        assertEquals("01" + "70" + hex(v0.bytes()), hex(v1.bytes()));
        assertEquals(v1, Cid.parse(v1.toString(Multibase.Encoding.BASE58BTC)));
        assertEquals(v1, Cid.parse(v1.toString(Multibase.Encoding.BASE36)));
        assertEquals(v1, Cid.fromBytes(v1.bytes()));
        assertEquals(v0, Cid.fromBytes(v0.bytes()));
        assertThrows(IllegalArgumentException.class, () -> v0.toString(Multibase.Encoding.BASE32));
    }

    @Test
    void cidSpecExample() throws Exception {
        Cid cid = Cid.parse("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA");
        assertEquals(1, cid.version());
        assertEquals(Multicodec.RAW.code(), cid.codec());
        assertEquals(Multicodec.SHA2_256.code(), cid.multihash().code());
        assertEquals("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA", cid.toString(Multibase.Encoding.BASE58BTC));
    }

    @Test
    void peerIdAsCid() throws Exception {
        // The peer-id spec: the same peer as a base58btc multihash and as a CIDv1 with codec libp2p-key.
        Cid cid = Cid.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        assertEquals(Multicodec.LIBP2P_KEY.code(), cid.codec());
        assertEquals("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", Base58.encode(cid.multihash().bytes()));
    }

    @Test
    void rejectsMalformedCids() {
        assertThrows(CidException.class, () -> Cid.parse(""));
        assertThrows(CidException.class, () -> Cid.parse("QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuP0"));
        assertThrows(CidException.class, () -> Cid.parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzd"));
        assertThrows(CidException.class, () -> Cid.parse("bciqftfeehedf6klbt32bfaglxezl4uwfnwm4lftlmxqbcerz6cmlx3y"),
                "multibase-encoded CIDv0");
        assertThrows(CidException.class, () -> Cid.fromBytes(new byte[0]));
        assertThrows(CidException.class, () -> Cid.fromBytes(new byte[] {2, 0x55, 0, 0}), "version 2");
        assertThrows(CidException.class, () -> Cid.fromBytes(new byte[] {1, 0x55, 0, 0, 0}), "left over");
        assertThrows(CidException.class, () -> Cid.fromBytes(new byte[] {1, 0x55, 0, 5}), "truncated");
        assertThrows(CidException.class, () -> Cid.fromBytes(new byte[] {0x12, 0x20, 1}), "short CIDv0");
        assertThrows(IllegalArgumentException.class, () -> Cid.v0(Multihash.identity(new byte[3])));
    }

    @Property
    void roundTrips(@ForAll @Size(max = 64) byte[] data, @ForAll @IntRange(max = 0x400000) int codec,
            @ForAll Multibase.Encoding encoding) throws Exception {
        Cid v1 = Cid.v1(codec, Multihash.sha256(data));
        assertEquals(v1, Cid.parse(v1.toString()));
        assertEquals(v1, Cid.parse(v1.toString(encoding)));
        assertEquals(v1, Cid.fromBytes(v1.bytes()));
        Cid identity = Cid.v1(Multicodec.RAW, Multihash.identity(data));
        assertArrayEquals(identity.bytes(), Cid.fromBytes(identity.bytes()).bytes());
        Cid v0 = Cid.v0(Multihash.sha256(data));
        assertEquals(v0, Cid.parse(v0.toString()));
        assertEquals(v0, Cid.fromBytes(v0.bytes()));
    }
}
