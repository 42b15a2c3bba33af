package org.jlibp2p.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class KeyPropertiesTest {
    /** A deterministic source, so that jqwik can shrink and replay. */
    static SecureRandom seeded(long seed) {
        return new SecureRandom() {
            private final Random random = new Random(seed);

            @Override
            public void nextBytes(byte[] bytes) {
                random.nextBytes(bytes);
            }
        };
    }

    @Provide
    Arbitrary<KeyPair> keyPairs() {
        // RSA generation is too slow for many tries; it has its own property below.
        return Arbitraries.longs().flatMap(seed -> Arbitraries.of(KeyType.ED25519, KeyType.SECP256K1, KeyType.ECDSA)
                .map(type -> Keys.generate(type, seeded(seed))));
    }

    @Property(tries = 300)
    void marshalledKeysRoundTrip(@ForAll("keyPairs") KeyPair pair) throws Exception {
        PrivateKey priv = Keys.unmarshalPrivateKey(pair.privateKey().marshal());
        assertEquals(pair.privateKey(), priv);
        assertArrayEquals(pair.privateKey().marshal(), priv.marshal());
        assertEquals(pair.publicKey(), priv.publicKey());
        PublicKey pub = Keys.unmarshalPublicKey(pair.publicKey().marshal());
        assertEquals(pair.publicKey(), pub);
        assertEquals(pair.publicKey().hashCode(), pub.hashCode());
        assertArrayEquals(pair.publicKey().raw(), Keys.decodePublicKey(pair.type(), pub.raw()).raw());
        assertEquals(priv, Keys.decodePrivateKey(pair.type(), priv.raw()));
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void signaturesVerifyOnlyForTheirMessage(@ForAll("keyPairs") KeyPair pair, @ForAll @Size(max = 512) byte[] data,
            @ForAll byte flip) {
        byte[] sig = pair.privateKey().sign(data);
        assertTrue(pair.publicKey().verify(data, sig));
        byte[] other = java.util.Arrays.copyOf(data, data.length + 1);
        other[data.length] = flip;
        assertFalse(pair.publicKey().verify(other, sig));
        byte[] bad = sig.clone();
        bad[Math.floorMod(flip, bad.length)] ^= (byte) (1 | flip);
        assertFalse(pair.publicKey().verify(data, bad));
    }

    @Property(tries = 3)
    void rsaKeysRoundTrip(@ForAll long seed, @ForAll @Size(max = 256) byte[] data) throws Exception {
        KeyPair pair = Keys.generateRsa(2048, seeded(seed));
        PrivateKey priv = Keys.unmarshalPrivateKey(pair.privateKey().marshal());
        assertEquals(pair.privateKey(), priv);
        PublicKey pub = Keys.unmarshalPublicKey(pair.publicKey().marshal());
        assertEquals(2048, ((RsaPublicKey) pub).bitLength());
        assertTrue(pub.verify(data, priv.sign(data)));
    }
}
