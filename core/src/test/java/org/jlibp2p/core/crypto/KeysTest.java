package org.jlibp2p.core.crypto;

import static org.jlibp2p.core.crypto.SpecVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeysTest {
    private static final byte[] MESSAGE = "libp2p key test".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0}")
    @CsvSource(maxCharsPerColumn = 10_000, value = {
        "ED25519, " + SpecVectors.ED25519_PRIVATE + ", " + SpecVectors.ED25519_PUBLIC,
        "SECP256K1, " + SpecVectors.SECP256K1_PRIVATE + ", " + SpecVectors.SECP256K1_PUBLIC,
        "ECDSA, " + SpecVectors.ECDSA_PRIVATE + ", " + SpecVectors.ECDSA_PUBLIC,
        "RSA, " + SpecVectors.RSA_PRIVATE + ", " + SpecVectors.RSA_PUBLIC,
    })
    void specVectors(KeyType type, String privateHex, String publicHex) throws Exception {
        PrivateKey priv = Keys.unmarshalPrivateKey(bytes(privateHex));
        assertEquals(type, priv.type());
        assertArrayEquals(bytes(privateHex), priv.marshal());
        assertArrayEquals(bytes(publicHex), priv.publicKey().marshal());

        PublicKey pub = Keys.unmarshalPublicKey(bytes(publicHex));
        assertEquals(type, pub.type());
        assertEquals(priv.publicKey(), pub);
        assertEquals(priv.publicKey().hashCode(), pub.hashCode());
        assertArrayEquals(bytes(publicHex), pub.marshal());
        assertEquals(Keys.unmarshalPrivateKey(bytes(privateHex)), priv);

        byte[] sig = priv.sign(MESSAGE);
        assertTrue(pub.verify(MESSAGE, sig));
        assertFalse(pub.verify("another message".getBytes(StandardCharsets.UTF_8), sig));
        byte[] flipped = sig.clone();
        flipped[flipped.length / 2] ^= 1;
        assertFalse(pub.verify(MESSAGE, flipped));
        assertFalse(pub.verify(MESSAGE, new byte[0]));
    }

    @Test
    void rfc8032FirstVector() throws Exception {
        // RFC 8032 section 7.1, TEST 1 (empty message).
        byte[] seed = bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] pub = bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] sig = bytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
                + "d25bf5f0595bbe24655141438e7a100b");
        KeyPair pair = Keys.ed25519FromSeed(seed);
        assertArrayEquals(pub, pair.publicKey().raw());
        assertArrayEquals(sig, pair.privateKey().sign(new byte[0]));
        assertTrue(pair.publicKey().verify(new byte[0], sig));
    }

    @Test
    void ed25519PrivateKeyForms() throws Exception {
        byte[] raw = Keys.unmarshalPrivateKey(bytes(SpecVectors.ED25519_PRIVATE)).raw();
        byte[] legacy = Arrays.copyOf(raw, 96);
        System.arraycopy(raw, 32, legacy, 64, 32);
        PrivateKey fromLegacy = Keys.decodePrivateKey(KeyType.ED25519, legacy);
        assertArrayEquals(raw, fromLegacy.raw());

        legacy[95] ^= 1;
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> Keys.decodePrivateKey(KeyType.ED25519, legacy));
        assertTrue(e.getMessage().contains("legacy"), e.getMessage());

        byte[] mismatched = raw.clone();
        mismatched[40] ^= 1;
        e = assertThrows(KeyFormatException.class, () -> Keys.decodePrivateKey(KeyType.ED25519, mismatched));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertThrows(KeyFormatException.class, () -> Keys.decodePrivateKey(KeyType.ED25519, new byte[32]));
        assertThrows(KeyFormatException.class, () -> Keys.decodePublicKey(KeyType.ED25519, new byte[33]));
    }

    @Test
    void secp256k1UncompressedIsReadAndCompressed() throws Exception {
        Secp256k1PublicKey pub = (Secp256k1PublicKey) Keys.unmarshalPublicKey(bytes(SpecVectors.SECP256K1_PUBLIC));
        byte[] uncompressed = pub.uncompressed();
        assertEquals(65, uncompressed.length);
        PublicKey again = Keys.decodePublicKey(KeyType.SECP256K1, uncompressed);
        assertEquals(pub, again);
        assertArrayEquals(pub.raw(), again.raw());
        uncompressed[64] ^= 1;
        assertThrows(KeyFormatException.class, () -> Keys.decodePublicKey(KeyType.SECP256K1, uncompressed));
        byte[] notOnCurve = pub.raw();
        notOnCurve[0] = 6; // hybrid form
        assertThrows(KeyFormatException.class, () -> Keys.decodePublicKey(KeyType.SECP256K1, notOnCurve));
    }

    @Test
    void secp256k1SignaturesHaveLowSAndHighSIsStillAccepted() throws Exception {
        BigInteger n = Ec.SECP256K1.getN();
        KeyPair pair = Keys.generateSecp256k1(new SecureRandom());
        for (int i = 0; i < 32; i++) {
            byte[] msg = ("message " + i).getBytes(StandardCharsets.UTF_8);
            byte[] sig = pair.privateKey().sign(msg);
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(sig));
            BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
            assertTrue(s.compareTo(n.shiftRight(1)) <= 0, "s is in the lower half");
            assertArrayEquals(sig, pair.privateKey().sign(msg), "RFC 6979 signatures are deterministic");
            byte[] highS = new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(n.subtract(s))})
                    .getEncoded();
            assertTrue(pair.publicKey().verify(msg, highS));
        }
    }

    @Test
    void signaturesMustBeStrictDer() throws Exception {
        KeyPair pair = Keys.generateEcdsa(new SecureRandom());
        byte[] sig = pair.privateKey().sign(MESSAGE);
        assertTrue(pair.publicKey().verify(MESSAGE, sig));
        byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
        assertFalse(pair.publicKey().verify(MESSAGE, trailing));
        // The same sequence with a long-form length is BER, not DER.
        byte[] ber = new byte[sig.length + 1];
        ber[0] = 0x30;
        ber[1] = (byte) 0x81;
        System.arraycopy(sig, 1, ber, 2, sig.length - 1);
        assertFalse(pair.publicKey().verify(MESSAGE, ber));
    }

    @Test
    void otherEcdsaCurves() throws Exception {
        for (EcdsaCurve curve : EcdsaCurve.values()) {
            KeyPair pair = Keys.generateEcdsa(curve, new SecureRandom());
            PrivateKey priv = Keys.unmarshalPrivateKey(pair.privateKey().marshal());
            assertEquals(pair.privateKey(), priv);
            PublicKey pub = Keys.unmarshalPublicKey(pair.publicKey().marshal());
            assertEquals(curve, ((EcdsaPublicKey) pub).curve());
            assertTrue(pub.verify(MESSAGE, priv.sign(MESSAGE)));
        }
    }

    @Test
    void rsaSizeLimits() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Keys.generateRsa(1024));
        assertThrows(IllegalArgumentException.class, () -> Keys.generateRsa(8193));

        KeyPairGenerator jdk = KeyPairGenerator.getInstance("RSA");
        jdk.initialize(1024);
        RSAPrivateCrtKey small = (RSAPrivateCrtKey) jdk.generateKeyPair().getPrivate();
        byte[] pkcs1 = new org.bouncycastle.asn1.pkcs.RSAPrivateKey(small.getModulus(), small.getPublicExponent(),
                small.getPrivateExponent(), small.getPrimeP(), small.getPrimeQ(), small.getPrimeExponentP(),
                small.getPrimeExponentQ(), small.getCrtCoefficient()).getEncoded();
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> Keys.decodePrivateKey(KeyType.RSA, pkcs1));
        assertTrue(e.getMessage().contains("1024 bits"), e.getMessage());
        byte[] spki = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded(); // 2048 bits
        assertInstanceOf(RsaPublicKey.class, Keys.decodePublicKey(KeyType.RSA, spki));
        e = assertThrows(KeyFormatException.class,
                () -> Keys.decodePublicKey(KeyType.RSA, jdkPublic(small)));
        assertTrue(e.getMessage().contains("2048 to 8192"), e.getMessage());
    }

    private static byte[] jdkPublic(RSAPrivateCrtKey k) throws Exception {
        return java.security.KeyFactory.getInstance("RSA")
                .generatePublic(new java.security.spec.RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()))
                .getEncoded();
    }

    @Test
    void rsaInconsistentPrivateKeyIsRefused() throws Exception {
        RsaPrivateKey key = (RsaPrivateKey) Keys.unmarshalPrivateKey(bytes(SpecVectors.RSA_PRIVATE));
        org.bouncycastle.asn1.pkcs.RSAPrivateKey k =
                org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(key.raw());
        byte[] broken = new org.bouncycastle.asn1.pkcs.RSAPrivateKey(k.getModulus(), k.getPublicExponent(),
                k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(), k.getExponent2(),
                k.getCoefficient().add(BigInteger.ONE)).getEncoded();
        assertThrows(KeyFormatException.class, () -> Keys.decodePrivateKey(KeyType.RSA, broken));
    }

    @Test
    void generatedKeysRoundTrip() throws Exception {
        for (KeyType type : KeyType.values()) {
            KeyPair pair = Keys.generate(type, new SecureRandom());
            assertEquals(type, pair.type());
            assertEquals(pair.privateKey(), Keys.unmarshalPrivateKey(pair.privateKey().marshal()));
            assertEquals(pair.publicKey(), Keys.unmarshalPublicKey(pair.publicKey().marshal()));
            assertTrue(pair.publicKey().verify(MESSAGE, pair.privateKey().sign(MESSAGE)));
            assertFalse(pair.privateKey().toString().contains(HexFormat.of().formatHex(pair.privateKey().raw())));
        }
        assertNotEquals(Keys.generateEd25519().publicKey(), Keys.generateEd25519().publicKey());
    }

    @Test
    void keyPairChecksTheHalves() {
        KeyPair a = Keys.generateEd25519();
        KeyPair b = Keys.generateEd25519();
        assertThrows(IllegalArgumentException.class, () -> new KeyPair(a.privateKey(), b.publicKey()));
    }

    @Test
    void protobufIsStrict() {
        byte[] pub = bytes(SpecVectors.ED25519_PUBLIC);
        assertMessage("lacks the required Data", () -> Keys.unmarshalPublicKey(bytes("0801")));
        assertMessage("lacks the required Type", () -> Keys.unmarshalPublicKey(Arrays.copyOfRange(pub, 2, pub.length)));
        assertMessage("unknown key type 9", () -> Keys.unmarshalPublicKey(bytes("0809" + SpecVectors.ED25519_PUBLIC.substring(4))));
        assertMessage("twice", () -> Keys.unmarshalPublicKey(bytes("0801" + SpecVectors.ED25519_PUBLIC)));
        assertMessage("unexpected field", () -> Keys.unmarshalPublicKey(bytes(SpecVectors.ED25519_PUBLIC + "1800")));
        assertMessage("claims", () -> Keys.unmarshalPublicKey(bytes("08011280808080080102")));
        assertMessage("minimal", () -> Keys.unmarshalPublicKey(bytes("088100")));
        assertMessage("32 bytes", () -> Keys.unmarshalPublicKey(bytes("08011200")));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        KeyFormatException e = assertThrows(KeyFormatException.class, call);
        assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' should mention '" + part + "'");
    }

    @Test
    void fieldOrderDoesNotMatterButMarshalIsCanonical() throws IOException {
        byte[] canonical = bytes(SpecVectors.ED25519_PUBLIC);
        byte[] swapped = new byte[canonical.length];
        System.arraycopy(canonical, 2, swapped, 0, canonical.length - 2);
        System.arraycopy(canonical, 0, swapped, canonical.length - 2, 2);
        assertArrayEquals(canonical, Keys.unmarshalPublicKey(swapped).marshal());
    }
}
