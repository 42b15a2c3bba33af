package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class DagCborTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void writesTheIpnsFieldsInDagCborKeyOrder() {
        byte[] data = DagCbor.writeIpnsData("/ipfs/x".getBytes(StandardCharsets.US_ASCII),
                "2030-01-01T00:00:00Z".getBytes(StandardCharsets.US_ASCII), 300, 1);
        // a5: map(5); 63 "TTL" 01; 65 "Value" 47 "/ipfs/x"; 68 "Sequence" 19 012c; 68 "Validity" 54 <20 bytes>;
        // 6c "ValidityType" 00
        String expected = "a5" + "63" + hex("TTL") + "01"
                + "65" + hex("Value") + "47" + hex("/ipfs/x")
                + "68" + hex("Sequence") + "19012c"
                + "68" + hex("Validity") + "54" + hex("2030-01-01T00:00:00Z")
                + "6c" + hex("ValidityType") + "00";
        assertEquals(expected, HEX.formatHex(data));
    }

    @Test
    void readsBackWhatItWrites() throws Exception {
        byte[] data = DagCbor.writeIpnsData(new byte[] {1, 2}, new byte[] {'v'}, -1L, 1L << 40);
        Map<String, Object> map = DagCbor.readMap(data);
        assertEquals(List.of("TTL", "Value", "Sequence", "Validity", "ValidityType"), List.copyOf(map.keySet()));
        assertEquals(new DagCbor.UnsignedInt(1L << 40), map.get("TTL"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) map.get("Value"));
        assertEquals(new DagCbor.UnsignedInt(-1L), map.get("Sequence"), "2^64-1 read as unsigned");
        assertEquals(new DagCbor.UnsignedInt(0), map.get("ValidityType"));
    }

    @Test
    void integersUseTheirShortestForm() {
        long[] values = {0, 23, 24, 255, 256, 65535, 65536, 0xffff_ffffL, 0x1_0000_0000L, -1L};
        int[] lengths = {1, 1, 2, 2, 3, 3, 5, 5, 9, 9};
        for (int i = 0; i < values.length; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DagCbor.writeHead(out, 0, values[i]);
            assertEquals(lengths[i], out.size(), "length of " + Long.toUnsignedString(values[i]));
        }
    }

    @Test
    void readsAndSkipsEveryDagCborKindOfExtraField() throws Exception {
        // {"a": -5, "b": [true, false, null, 1.5], "c": {"x": h'00'}, "dd": 42(h'0001'), "eee": "text"}
        String doc = "a5"
                + "61" + hex("a") + "24"
                + "61" + hex("b") + "84" + "f5" + "f4" + "f6" + "fb3ff8000000000000"
                + "61" + hex("c") + "a1" + "61" + hex("x") + "4100"
                + "62" + hex("dd") + "d82a" + "420001"
                + "63" + hex("eee") + "64" + hex("text");
        Map<String, Object> map = DagCbor.readMap(HEX.parseHex(doc));
        assertEquals(DagCbor.Other.VALUE, map.get("a"));
        assertEquals(DagCbor.Other.VALUE, map.get("b"));
        assertEquals(DagCbor.Other.VALUE, map.get("c"));
        assertEquals(DagCbor.Other.VALUE, map.get("dd"));
        assertEquals("text", map.get("eee"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                  // nothing
        "80",                                // an array, not a map
        "a1" + "6161" + "1801",              // 1 in two bytes
        "a1" + "6161" + "190001",            // 1 in three bytes
        "a1" + "6161" + "1a00000001",        // 1 in five bytes
        "a1" + "6161" + "1b0000000000000001", // 1 in nine bytes
        "b801" + "6161" + "01",              // map length in two bytes
        "bf" + "6161" + "01" + "ff",         // indefinite map
        "a1" + "6161" + "5f4101ff",          // indefinite byte string
        "a1" + "6161" + "1c",                // reserved additional information
        "a2" + "6162" + "01" + "6161" + "01", // keys out of order
        "a2" + "6161" + "01" + "6161" + "02", // repeated key
        "a2" + "626161" + "01" + "6162" + "01", // longer key first
        "a1" + "01" + "01",                  // an integer key
        "a1" + "4161" + "01",                // a byte-string key
        "a1" + "6161" + "01" + "00",         // a byte after the document
        "a1" + "6161",                       // truncated before the value
        "a1" + "6161" + "45010203",          // byte string longer than what is left
        "a1" + "6161" + "5b7fffffffffffffff", // byte string of 2^63-1 bytes
        "a1" + "6161" + "9b7fffffffffffffff", // array of 2^63-1 items
        "a1" + "6161" + "62c328",            // invalid UTF-8
        "a1" + "6161" + "f93c00",            // 16-bit float
        "a1" + "6161" + "fa3fc00000",        // 32-bit float
        "a1" + "6161" + "fb7ff8000000000000", // NaN
        "a1" + "6161" + "fb7ff0000000000000", // infinity
        "a1" + "6161" + "f7",                // undefined
        "a1" + "6161" + "f0",                // simple value 16
        "a1" + "6161" + "f820",              // simple value 32
        "a1" + "6161" + "ff",                // a break outside an indefinite item
        "a1" + "6161" + "c1" + "01",         // tag 1 (epoch time)
        "a1" + "6161" + "d82a" + "01",       // a CID that is not a byte string
        "a1" + "6161" + "d82a" + "420100",   // a CID without its 0x00 prefix
    })
    void refusesWhatIsNotCanonicalDagCbor(String hex) {
        assertThrows(InvalidRecordException.class, () -> DagCbor.readMap(HEX.parseHex(hex)), hex);
    }

    @Test
    void refusesNestingDeeperThanTheLimit() throws Exception {
        String within = "a1" + "6161" + "81".repeat(DagCbor.MAX_DEPTH - 1) + "00";
        DagCbor.readMap(HEX.parseHex(within));
        String deeper = "a1" + "6161" + "81".repeat(DagCbor.MAX_DEPTH) + "00";
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> DagCbor.readMap(HEX.parseHex(deeper)));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
        // a deep nest of maps is refused the same way, without exhausting the stack
        String maps = "a1" + "6161" + "a16161".repeat(10_000) + "00";
        assertThrows(InvalidRecordException.class, () -> DagCbor.readMap(HEX.parseHex(maps)));
    }

    private static String hex(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
