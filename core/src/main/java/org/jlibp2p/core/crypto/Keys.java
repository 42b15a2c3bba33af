package org.jlibp2p.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Objects;

/**
 * Generates key pairs and decodes the {@code PublicKey} / {@code PrivateKey} protobufs of the peer-ids spec.
 * Decoding never throws anything but {@link KeyFormatException} on malformed input.
 */
public final class Keys {
    /** RSA modulus size {@link #generate(KeyType)} uses. */
    public static final int DEFAULT_RSA_BITS = 2048;

    private static final class DefaultRandom {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    private Keys() {}

    /** A fresh Ed25519 key pair. */
    public static KeyPair generateEd25519() {
        return generateEd25519(DefaultRandom.INSTANCE);
    }

    /** A fresh Ed25519 key pair whose seed comes from {@code random}. */
    public static KeyPair generateEd25519(SecureRandom random) {
        byte[] seed = new byte[Ed25519PrivateKey.SEED_LENGTH];
        random.nextBytes(seed);
        return KeyPair.of(Ed25519PrivateKey.fromSeed(seed));
    }

    /** The Ed25519 key pair with the 32-byte {@code seed}. */
    public static KeyPair ed25519FromSeed(byte[] seed) {
        return KeyPair.of(Ed25519PrivateKey.fromSeed(seed));
    }

    /** A fresh Secp256k1 key pair. */
    public static KeyPair generateSecp256k1() {
        return generateSecp256k1(DefaultRandom.INSTANCE);
    }

    /** A fresh Secp256k1 key pair drawn from {@code random}. */
    public static KeyPair generateSecp256k1(SecureRandom random) {
        return KeyPair.of(new Secp256k1PrivateKey(Ec.randomScalar(Ec.SECP256K1, random)));
    }

    /** A fresh ECDSA P-256 key pair. */
    public static KeyPair generateEcdsa() {
        return generateEcdsa(EcdsaCurve.P256, DefaultRandom.INSTANCE);
    }

    /** A fresh ECDSA P-256 key pair drawn from {@code random}. */
    public static KeyPair generateEcdsa(SecureRandom random) {
        return generateEcdsa(EcdsaCurve.P256, random);
    }

    /** A fresh ECDSA key pair on {@code curve} drawn from {@code random}. */
    public static KeyPair generateEcdsa(EcdsaCurve curve, SecureRandom random) {
        Objects.requireNonNull(curve, "curve");
        return KeyPair.of(new EcdsaPrivateKey(curve, Ec.randomScalar(curve.domain(), random)));
    }

    /** A fresh RSA key pair of {@code bits} bits. */
    public static KeyPair generateRsa(int bits) {
        return generateRsa(bits, DefaultRandom.INSTANCE);
    }

    /**
     * A fresh RSA key pair of {@code bits} bits (2048 to 8192) with public exponent 65537, drawn from {@code random}.
     *
     * @throws IllegalArgumentException if {@code bits} is out of range
     */
    public static KeyPair generateRsa(int bits, SecureRandom random) {
        if (bits < RsaPublicKey.MIN_BITS || bits > RsaPublicKey.MAX_BITS) {
            throw new IllegalArgumentException("RSA keys must have " + RsaPublicKey.MIN_BITS + " to "
                    + RsaPublicKey.MAX_BITS + " bits, not " + bits);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
            return KeyPair.of(new RsaPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                    k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(),
                    k.getCrtCoefficient()));
        } catch (GeneralSecurityException | KeyFormatException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    /** A fresh key pair of {@code type} (RSA with {@value #DEFAULT_RSA_BITS} bits, ECDSA on P-256). */
    public static KeyPair generate(KeyType type) {
        return generate(type, DefaultRandom.INSTANCE);
    }

    /** A fresh key pair of {@code type} drawn from {@code random}. */
    public static KeyPair generate(KeyType type, SecureRandom random) {
        return switch (type) {
            case ED25519 -> generateEd25519(random);
            case SECP256K1 -> generateSecp256k1(random);
            case ECDSA -> generateEcdsa(random);
            case RSA -> generateRsa(DEFAULT_RSA_BITS, random);
        };
    }

    /** Decodes a marshalled {@code PublicKey} protobuf. */
    public static PublicKey unmarshalPublicKey(byte[] bytes) throws KeyFormatException {
        KeyProto.Decoded d = KeyProto.decode(bytes, "public key");
        return decodePublicKey(d.type(), d.data());
    }

    /** Decodes the {@code Data} of a public key of {@code type} (its raw encoding). */
    public static PublicKey decodePublicKey(KeyType type, byte[] data) throws KeyFormatException {
        return switch (type) {
            case ED25519 -> new Ed25519PublicKey(data);
            case SECP256K1 -> Secp256k1PublicKey.decode(data);
            case ECDSA -> EcdsaPublicKey.decode(data);
            case RSA -> RsaPublicKey.decode(data);
        };
    }

    /** Decodes a marshalled {@code PrivateKey} protobuf, checking that the key is internally consistent. */
    public static PrivateKey unmarshalPrivateKey(byte[] bytes) throws KeyFormatException {
        KeyProto.Decoded d = KeyProto.decode(bytes, "private key");
        return decodePrivateKey(d.type(), d.data());
    }

    /** Decodes the {@code Data} of a private key of {@code type} (its raw encoding). */
    public static PrivateKey decodePrivateKey(KeyType type, byte[] data) throws KeyFormatException {
        return switch (type) {
            case ED25519 -> Ed25519PrivateKey.decode(data);
            case SECP256K1 -> Secp256k1PrivateKey.decode(data);
            case ECDSA -> EcdsaPrivateKey.decode(data);
            case RSA -> RsaPrivateKey.decode(data);
        };
    }
}
