package org.jlibp2p.core.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.SpecVectors;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final byte[] TYPE = {(byte) 0x81, 0x06};
    private static final byte[] PAYLOAD = "hello".getBytes(StandardCharsets.UTF_8);

    @Test
    void signedBytesArePrefixedFields() {
        assertEquals("03" + "616263" + "02" + "8106" + "05" + "68656c6c6f",
                HexFormat.of().formatHex(Envelope.signedBytes("abc", TYPE, PAYLOAD)));
    }

    @Test
    void sealsAndOpensWithEveryKeyType() throws Exception {
        for (KeyType type : KeyType.values()) {
            KeyPair pair = Keys.generate(type);
            Envelope sealed = Envelope.seal(pair.privateKey(), "test-domain", TYPE, PAYLOAD);
            Envelope opened = Envelope.open(sealed.marshal(), "test-domain");
            assertEquals(sealed, opened);
            assertEquals(pair.publicKey(), opened.publicKey());
            assertArrayEquals(PAYLOAD, opened.payload());
            assertArrayEquals(TYPE, opened.payloadType());
            assertArrayEquals(sealed.marshal(), opened.marshal());
        }
    }

    @Test
    void wrongDomainOrTamperingFailsTheSignature() throws Exception {
        PrivateKey key = Keys.unmarshalPrivateKey(SpecVectors.bytes(SpecVectors.ED25519_PRIVATE));
        byte[] bytes = Envelope.seal(key, "test-domain", TYPE, PAYLOAD).marshal();
        assertThrows(InvalidSignatureException.class, () -> Envelope.open(bytes, "other-domain"));
        byte[] tampered = bytes.clone();
        int at = indexOf(tampered, PAYLOAD);
        tampered[at] ^= 1;
        assertThrows(InvalidSignatureException.class, () -> Envelope.open(tampered, "test-domain"));
        assertThrows(EnvelopeException.class, () -> Envelope.open(new byte[] {0x0a, 0x02, 0x08, 0x01}, "d"));
        assertThrows(EnvelopeException.class, () -> Envelope.open(new byte[] {0x12, 0x01, 0x01}, "d"));
        assertThrows(EnvelopeException.class, () -> Envelope.open(new byte[] {(byte) 0xff}, "d"));
        assertThrows(IllegalArgumentException.class, () -> Envelope.seal(key, "", TYPE, PAYLOAD));
        assertThrows(IllegalArgumentException.class, () -> Envelope.seal(key, "d", new byte[0], PAYLOAD));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void roundTrips(@ForAll @NotEmpty @StringLength(max = 40) @AlphaChars String domain,
            @ForAll @NotEmpty @Size(max = 8) byte[] type, @ForAll @Size(max = 300) byte[] payload) throws Exception {
        PrivateKey key = Keys.generateEd25519().privateKey();
        Envelope sealed = Envelope.seal(key, domain, type, payload);
        assertEquals(sealed, Envelope.open(sealed.marshal(), domain));
        assertThrows(InvalidSignatureException.class, () -> Envelope.open(sealed.marshal(), domain + "x"));
    }
}
