package org.jlibp2p.core.multiformats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.jlibp2p.core.multiformats.Multibase.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultibaseTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    // The multibase spec test vectors (tests/basic.csv, leading_zero.csv, two_leading_zeros.csv) for the supported
    // encodings: input hex, encoding, text.
    @ParameterizedTest
    @CsvSource({
        "796573206d616e692021, BASE16, f796573206d616e692021",
        "796573206d616e692021, BASE16_UPPER, F796573206D616E692021",
        "796573206d616e692021, BASE32, bpfsxgidnmfxgsibb",
        "796573206d616e692021, BASE32_UPPER, BPFSXGIDNMFXGSIBB",
        "796573206d616e692021, BASE36, k2lcpzo5yikidynfl",
        "796573206d616e692021, BASE36_UPPER, K2LCPZO5YIKIDYNFL",
        "796573206d616e692021, BASE58BTC, z7paNL19xttacUY",
        "796573206d616e692021, BASE64, meWVzIG1hbmkgIQ",
        "796573206d616e692021, BASE64URL, ueWVzIG1hbmkgIQ",
        "00796573206d616e692021, BASE16, f00796573206d616e692021",
        "00796573206d616e692021, BASE16_UPPER, F00796573206D616E692021",
        "00796573206d616e692021, BASE32, bab4wk4zanvqw42jaee",
        "00796573206d616e692021, BASE32_UPPER, BAB4WK4ZANVQW42JAEE",
        "00796573206d616e692021, BASE36, k02lcpzo5yikidynfl",
        "00796573206d616e692021, BASE36_UPPER, K02LCPZO5YIKIDYNFL",
        "00796573206d616e692021, BASE58BTC, z17paNL19xttacUY",
        "00796573206d616e692021, BASE64, mAHllcyBtYW5pICE",
        "00796573206d616e692021, BASE64URL, uAHllcyBtYW5pICE",
        "0000796573206d616e692021, BASE16, f0000796573206d616e692021",
        "0000796573206d616e692021, BASE16_UPPER, F0000796573206D616E692021",
        "0000796573206d616e692021, BASE32, baaahszltebwwc3tjeaqq",
        "0000796573206d616e692021, BASE32_UPPER, BAAAHSZLTEBWWC3TJEAQQ",
        "0000796573206d616e692021, BASE36, k002lcpzo5yikidynfl",
        "0000796573206d616e692021, BASE36_UPPER, K002LCPZO5YIKIDYNFL",
        "0000796573206d616e692021, BASE58BTC, z117paNL19xttacUY",
        "0000796573206d616e692021, BASE64, mAAB5ZXMgbWFuaSAh",
        "0000796573206d616e692021, BASE64URL, uAAB5ZXMgbWFuaSAh",
        // The base36 spec examples.
        "0001, BASE36, k01",
        "0000ff, BASE36, k0073",
        "0100, BASE36, k74",
        "000100, BASE36_UPPER, K074",
    })
    void specVectors(String input, Encoding encoding, String text) throws Exception {
        assertEquals(text, Multibase.encode(encoding, hex(input)));
        assertArrayEquals(hex(input), Multibase.decode(text));
        assertEquals(encoding, Multibase.encodingOf(text));
    }

    // tests/case_insensitivity.csv: base16, base32 and base36 decode whatever the case of the digits.
    @ParameterizedTest
    @CsvSource({
        "f68656c6c6f20776F726C64",
        "F68656c6c6f20776F726C64",
        "bnbswy3dpeB3W64TMMQ",
        "Bnbswy3dpeB3W64TMMQ",
        "kfUvrsIvVnfRbjWaJo",
        "KfUVrSIVVnFRbJWAJo",
    })
    void caseInsensitiveDecoding(String text) throws Exception {
        assertArrayEquals("hello world".getBytes(UTF_8), Multibase.decode(text));
    }

    @Test
    void base58Vectors() throws Exception {
        // The Bitcoin base58 test vectors.
        String[][] vectors = {
            {"", ""},
            {"61", "2g"},
            {"626262", "a3gV"},
            {"636363", "aPEr"},
            {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
            {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
            {"516b6fcd0f", "ABnLTmg"},
            {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
            {"572e4794", "3EFU7m"},
            {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
            {"10c8511e", "Rt5zm"},
            {"00000000000000000000", "1111111111"},
            {"000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5",
                    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"},
        };
        for (String[] v : vectors) {
            assertEquals(v[1], Base58.encode(hex(v[0])));
            assertArrayEquals(hex(v[0]), Base58.decode(v[1]));
        }
    }

    @Test
    void rejectsMalformedStrings() {
        assertMessage("empty", () -> Multibase.decode(""));
        assertMessage("prefix", () -> Multibase.decode("Zabc"));
        assertMessage("prefix", () -> Multibase.decode("cpfsxgidnmfxgsibb"));
        assertMessage("index 3", () -> Base58.decode("abc0"));
        assertMessage("index 3", () -> Base58.decode("abcl"));
        assertMessage("index 4", () -> Multibase.decode("z7pa0"));
        assertMessage("index 2", () -> Multibase.decode("bp1"));
        assertMessage("index 15", () -> Multibase.decode("meWVzIG1hbmkgIQ=="));
        assertMessage("length", () -> Multibase.decode("f123"));
        assertMessage("length", () -> Multibase.decode("bpfs"));
        assertMessage("length", () -> Multibase.decode("mA"));
        assertMessage("trailing", () -> Multibase.decode("meWVzIG1hbmkgIR"));
        assertMessage("trailing", () -> Multibase.decode("bab4wk4zanvqw42jaef"));
        assertMessage("character", () -> Multibase.decode("k0é"));
        assertMessage("character", () -> Multibase.decode("u+/"));
        assertMessage("character", () -> Multibase.decode("m-_"));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        MultibaseException e = assertThrows(MultibaseException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Property
    void roundTripsEveryEncoding(@ForAll @Size(max = 80) byte[] data, @ForAll Encoding encoding)
            throws MultibaseException {
        String text = Multibase.encode(encoding, data);
        assertEquals(encoding.prefix(), text.charAt(0));
        assertArrayEquals(data, Multibase.decode(text));
    }

    @Property
    void bareBase58RoundTrips(@ForAll @Size(max = 80) byte[] data) throws MultibaseException {
        assertArrayEquals(data, Base58.decode(Base58.encode(data)));
    }
}
