package org.jlibp2p.core.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key. Its encoding is the 32-byte seed followed by the 32-byte public key (64 bytes); the legacy
 * 96-byte form with the public key repeated is read too.
 */
public final class Ed25519PrivateKey implements PrivateKey {
    /** Length of the seed. */
    public static final int SEED_LENGTH = 32;

    private final byte[] seed;
    private final Ed25519PublicKey publicKey;

    private Ed25519PrivateKey(byte[] seed, Ed25519PublicKey publicKey) {
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /** The key whose 32-byte seed is {@code seed}. */
    static Ed25519PrivateKey fromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("Ed25519 seed must be " + SEED_LENGTH + " bytes, not " + seed.length);
        }
        byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pub, 0);
        try {
            return new Ed25519PrivateKey(seed.clone(), new Ed25519PublicKey(pub));
        } catch (KeyFormatException e) {
            throw new AssertionError(e);
        }
    }

    /** Decodes the 64-byte (or legacy 96-byte) encoding, checking that the public key belongs to the seed. */
    static Ed25519PrivateKey decode(byte[] data) throws KeyFormatException {
        if (data.length != 64 && data.length != 96) {
            throw new KeyFormatException("Ed25519 private key must be 64 bytes (seed and public key), or 96 in the "
                    + "legacy form, not " + data.length);
        }
        if (data.length == 96 && !MessageDigest.isEqual(
                Arrays.copyOfRange(data, 32, 64), Arrays.copyOfRange(data, 64, 96))) {
            throw new KeyFormatException("legacy 96-byte Ed25519 private key repeats two different public keys");
        }
        Ed25519PrivateKey key = fromSeed(Arrays.copyOf(data, SEED_LENGTH));
        if (!MessageDigest.isEqual(key.publicKey.keyBytes(), Arrays.copyOfRange(data, 32, 64))) {
            throw new KeyFormatException("Ed25519 private key holds a public key that does not belong to its seed");
        }
        return key;
    }

    @Override
    public KeyType type() {
        return KeyType.ED25519;
    }

    @Override
    public byte[] sign(byte[] data) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey.keyBytes(), 0, data, 0, data.length, sig, 0);
        return sig;
    }

    @Override
    public Ed25519PublicKey publicKey() {
        return publicKey;
    }

    /** The 32-byte seed; a fresh copy. */
    public byte[] seed() {
        return seed.clone();
    }

    @Override
    public byte[] raw() {
        byte[] out = Arrays.copyOf(seed, 64);
        System.arraycopy(publicKey.keyBytes(), 0, out, 32, 32);
        return out;
    }

    @Override
    public byte[] marshal() {
        return KeyProto.encode(KeyType.ED25519, raw());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ed25519PrivateKey k && MessageDigest.isEqual(seed, k.seed);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    @Override
    public String toString() {
        return "Ed25519PrivateKey[public=" + publicKey + "]";
    }
}
