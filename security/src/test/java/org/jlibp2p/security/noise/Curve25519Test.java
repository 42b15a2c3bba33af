package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Curve25519}: the RFC 7748 test vectors, agreement with BouncyCastle's X25519 on random and edge inputs, the
 * low-order points, and the field arithmetic against {@link BigInteger} at the limb bounds the ladder relies on.
 */
class Curve25519Test {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    private static byte[] x25519(byte[] k, byte[] u) {
        byte[] out = new byte[32];
        Curve25519.scalarMult(k, u, out);
        return out;
    }

    private static byte[] base(byte[] k) {
        byte[] out = new byte[32];
        Curve25519.scalarMultBase(k, out);
        return out;
    }

    /** RFC 7748, section 5.2: the two single scalar multiplications. */
    @ParameterizedTest
    @CsvSource({
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4,"
                + "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c,"
                + "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d,"
                + "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493,"
                + "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    })
    void rfc7748Vectors(String k, String u, String expected) {
        assertEquals(expected, HEX.formatHex(x25519(hex(k), hex(u))));
    }

    /** RFC 7748, section 5.2: k = u = 9, then repeatedly (k, u) = (X25519(k, u), k). */
    private static String iterate(int iterations) {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 0; i < iterations; i++) {
            byte[] next = x25519(k, u);
            u = k;
            k = next;
        }
        return HEX.formatHex(k);
    }

    @Test
    void rfc7748IteratedOnce() {
        assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", iterate(1));
    }

    @Test
    void rfc7748IteratedThousandTimes() {
        assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", iterate(1_000));
    }

    /** About a minute; run with {@code -Dx25519.million=true}. */
    @Test
    @EnabledIfSystemProperty(named = "x25519.million", matches = "true")
    void rfc7748IteratedMillionTimes() {
        assertEquals("7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424", iterate(1_000_000));
    }

    /** RFC 7748, section 6.1: Alice's and Bob's public keys and their shared secret. */
    @Test
    void rfc7748DiffieHellman() throws InvalidX25519KeyException {
        byte[] alicePrivate = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] alicePublic = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPrivate = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] bobPublic = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        byte[] shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        byte[] nine = new byte[32];
        nine[0] = 9;

        assertArrayEquals(alicePublic, base(alicePrivate));
        assertArrayEquals(bobPublic, base(bobPrivate));
        assertArrayEquals(alicePublic, x25519(alicePrivate, nine));
        assertArrayEquals(bobPublic, x25519(bobPrivate, nine));
        assertArrayEquals(shared, x25519(alicePrivate, bobPublic));
        assertArrayEquals(shared, x25519(bobPrivate, alicePublic));

        X25519KeyPair alice = X25519KeyPair.fromPrivateKey(alicePrivate);
        X25519KeyPair bob = X25519KeyPair.fromPrivateKey(bobPrivate);
        assertArrayEquals(alicePublic, alice.publicKey());
        assertArrayEquals(bobPublic, bob.publicKey());
        assertArrayEquals(shared, alice.agree(bobPublic));
        assertArrayEquals(shared, bob.agree(alicePublic));
    }

    /** Little-endian 32 bytes of {@code v} (below 2^256). */
    private static byte[] le(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    /** u-coordinates at the edges: small values, around p, the non-canonical [p, 2^255), the ignored top bit. */
    private static List<byte[]> edgeU() {
        List<byte[]> us = new ArrayList<>();
        for (long v : new long[] {0, 1, 2, 3, 9, 19, 38}) {
            us.add(le(BigInteger.valueOf(v)));
        }
        for (int d = -3; d <= 18; d++) { // p - 3 .. 2^255 - 1
            us.add(le(P.add(BigInteger.valueOf(d))));
        }
        us.add(le(BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE)));
        us.add(le(BigInteger.ONE.shiftLeft(255))); // only the ignored bit: u = 0
        us.add(le(BigInteger.ONE.shiftLeft(255).add(BigInteger.valueOf(9)))); // u = 9 with the top bit set
        us.add(le(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE))); // all ones
        us.add(le(BigInteger.ONE.shiftLeft(51).subtract(BigInteger.ONE))); // limb boundaries
        us.add(le(BigInteger.ONE.shiftLeft(51)));
        us.add(le(BigInteger.ONE.shiftLeft(204)));
        us.add(le(BigInteger.ONE.shiftLeft(254)));
        return us;
    }

    private static List<byte[]> edgeK() {
        List<byte[]> ks = new ArrayList<>();
        ks.add(new byte[32]);
        byte[] ones = new byte[32];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        ks.add(ones);
        byte[] one = new byte[32];
        one[0] = 1;
        ks.add(one);
        byte[] alternating = new byte[32];
        java.util.Arrays.fill(alternating, (byte) 0x55);
        ks.add(alternating);
        return ks;
    }

    private static void assertSameAsBouncyCastle(byte[] k, byte[] u) {
        byte[] expected = new byte[32];
        X25519.scalarMult(k, 0, u, 0, expected, 0);
        byte[] actual = new byte[32];
        boolean zero = Curve25519.scalarMult(k, u, actual);
        String what = "k=" + HEX.formatHex(k) + " u=" + HEX.formatHex(u);
        assertEquals(HEX.formatHex(expected), HEX.formatHex(actual), what);
        assertEquals(java.util.Arrays.equals(expected, new byte[32]), zero, what);
    }

    @Test
    void agreesWithBouncyCastleOnEdgeInputs() {
        SplittableRandom random = new SplittableRandom(7748);
        List<byte[]> ks = edgeK();
        for (int i = 0; i < 8; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            ks.add(k);
        }
        int n = 0;
        for (byte[] k : ks) {
            for (byte[] u : edgeU()) {
                assertSameAsBouncyCastle(k, u);
                n++;
            }
        }
        assertTrue(n > 400);
    }

    /**
     * 20,000 random (k, u): u uniform over 32 bytes (so half have the ignored top bit set), every 8th in the
     * non-canonical range [p, 2^255) with a random top bit, every 8th with its top limb all ones.
     */
    @Test
    void agreesWithBouncyCastleOnRandomInputs() {
        SplittableRandom random = new SplittableRandom(25519);
        byte[] k = new byte[32];
        byte[] u = new byte[32];
        for (int i = 0; i < 20_000; i++) {
            random.nextBytes(k);
            random.nextBytes(u);
            switch (i % 8) {
                case 1 -> {
                    java.util.Arrays.fill(u, 1, 31, (byte) 0xFF);
                    u[0] = (byte) (0xED + random.nextInt(19));
                    u[31] = (byte) (random.nextBoolean() ? 0x7F : 0xFF);
                }
                case 2 -> {
                    for (int j = 25; j < 32; j++) {
                        u[j] = (byte) 0xFF;
                    }
                }
                default -> {}
            }
            assertSameAsBouncyCastle(k, u);
        }
    }

    @Test
    void publicKeysAgreeWithBouncyCastle() {
        SplittableRandom random = new SplittableRandom(9);
        byte[] k = new byte[32];
        byte[] expected = new byte[32];
        List<byte[]> ks = edgeK();
        for (int i = 0; i < 2_000; i++) {
            random.nextBytes(k);
            ks.add(k.clone());
        }
        for (byte[] key : ks) {
            X25519.generatePublicKey(key, 0, expected, 0);
            assertArrayEquals(expected, base(key), HEX.formatHex(key));
        }
    }

    /** The output may overwrite either input. */
    @Test
    void outputMayBeAnInput() {
        byte[] k = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        byte[] expected = hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        byte[] u2 = u.clone();
        Curve25519.scalarMult(k, u2, u2);
        assertArrayEquals(expected, u2);
        byte[] k2 = k.clone();
        Curve25519.scalarMult(k2, u, k2);
        assertArrayEquals(expected, k2);
    }

    /**
     * The u-coordinates whose multiples by a clamped scalar (a multiple of the cofactor 8) are all zeros: 0 and p (the
     * point of order 2), 1 and p + 1 (order 4), the two points of order 8, and p - 1 (of order 4 on the quadratic
     * twist). With the ignored top bit set, 0 and 1 are still those points.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0100000000000000000000000000000000000000000000000000000000000080",
    })
    void lowOrderPointsGiveZeros(String lowOrder) {
        byte[] u = hex(lowOrder);
        SplittableRandom random = new SplittableRandom(lowOrder.hashCode());
        List<byte[]> ks = edgeK();
        for (int i = 0; i < 50; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            ks.add(k);
        }
        for (byte[] k : ks) {
            byte[] out = new byte[32];
            assertTrue(Curve25519.scalarMult(k, u, out), HEX.formatHex(k));
            assertArrayEquals(new byte[32], out);
            byte[] bc = new byte[32];
            assertFalse(X25519.calculateAgreement(k, 0, u, 0, bc, 0));

            X25519KeyPair pair = X25519KeyPair.fromPrivateKey(k);
            assertThrows(InvalidX25519KeyException.class, () -> pair.agree(u));
        }
    }

    /** Points near the low-order ones (the listed values with the top bit set, p + order-8 points) are accepted. */
    @ParameterizedTest
    @ValueSource(strings = {
        "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
        "4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
        "d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    })
    void maskedNeighboursOfLowOrderPointsAreNotZero(String value) throws InvalidX25519KeyException {
        byte[] u = hex(value);
        byte[] k = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] out = new byte[32];
        assertFalse(Curve25519.scalarMult(k, u, out));
        assertSameAsBouncyCastle(k, u);
        assertArrayEquals(out, X25519KeyPair.fromPrivateKey(k).agree(u));
    }

    @Test
    void keyPairRejectsPublicKeysOfOtherLengths() {
        X25519KeyPair pair = X25519KeyPair.fromPrivateKey(new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> pair.agree(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> pair.agree(new byte[33]));
    }

    // The field arithmetic against BigInteger, with limbs up to the bounds documented in Curve25519.

    private static BigInteger value(long[] f) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 4; i >= 0; i--) {
            v = v.shiftLeft(51).add(BigInteger.valueOf(f[i]));
        }
        return v;
    }

    /** Limbs below 2^bits, some at the maximum. */
    private static long[] limbs(SplittableRandom random, int bits) {
        long[] f = new long[5];
        for (int i = 0; i < 5; i++) {
            f[i] = switch (random.nextInt(4)) {
                case 0 -> (1L << bits) - 1;
                case 1 -> random.nextLong(1L << bits);
                case 2 -> (1L << bits) - 1 - random.nextLong(1L << 20);
                default -> random.nextLong(1L << 51);
            };
        }
        return f;
    }

    private static void assertReduced(long[] f, BigInteger expected, int slackBits) {
        for (long limb : f) {
            assertTrue(limb >= 0 && limb < (1L << 51) + (1L << slackBits), Long.toHexString(limb));
        }
        assertEquals(expected.mod(P), value(f).mod(P));
    }

    @Test
    void mulAndSqrMatchBigIntegerAtTheLimbBounds() {
        SplittableRandom random = new SplittableRandom(51);
        long[] max = new long[5];
        java.util.Arrays.fill(max, (1L << 53) - 1);
        for (int i = 0; i < 100_000; i++) {
            long[] f = i == 0 ? max.clone() : limbs(random, 53);
            long[] g = i == 0 ? max.clone() : limbs(random, 53);
            BigInteger fv = value(f);
            BigInteger gv = value(g);
            long[] out = new long[5];
            Curve25519.mul(out, f, g);
            assertReduced(out, fv.multiply(gv), 17);
            Curve25519.sqr(out, f);
            assertReduced(out, fv.multiply(fv), 17);
            Curve25519.mulA24(out, f);
            assertReduced(out, fv.multiply(BigInteger.valueOf(121665)), 24);
        }
    }

    @Test
    void encodeIsCanonical() {
        SplittableRandom random = new SplittableRandom(255);
        for (int i = 0; i < 100_000; i++) {
            long[] f = limbs(random, 52);
            if (i < 40) { // around p and 2p
                BigInteger v = (i < 20 ? P : P.shiftLeft(1)).add(BigInteger.valueOf(i % 20 - 10));
                for (int j = 0; j < 5; j++) {
                    f[j] = v.shiftRight(51 * j).longValue() & ((1L << 51) - 1);
                }
                f[4] += v.shiftRight(255).longValue() << 51;
            }
            BigInteger expected = value(f).mod(P);
            byte[] out = new byte[32];
            Curve25519.encode(f, out);
            assertArrayEquals(le(expected), out);
        }
    }
}
