package org.jlibp2p.core.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import org.bouncycastle.util.BigIntegers;

/** A Secp256k1 private key, encoded as its 32-byte big-endian scalar. */
public final class Secp256k1PrivateKey implements PrivateKey {
    static final int LENGTH = 32;

    private final BigInteger d;
    private final Secp256k1PublicKey publicKey;

    Secp256k1PrivateKey(BigInteger d) {
        if (!Ec.validScalar(Ec.SECP256K1, d)) {
            throw new IllegalArgumentException("Secp256k1 private scalar out of range");
        }
        this.d = d;
        this.publicKey = new Secp256k1PublicKey(Ec.multiplyBase(Ec.SECP256K1, d));
    }

    static Secp256k1PrivateKey decode(byte[] data) throws KeyFormatException {
        if (data.length != LENGTH) {
            throw new KeyFormatException("Secp256k1 private key must be " + LENGTH + " bytes, not " + data.length);
        }
        BigInteger d = new BigInteger(1, data);
        if (!Ec.validScalar(Ec.SECP256K1, d)) {
            throw new KeyFormatException("Secp256k1 private key is zero or not below the group order");
        }
        return new Secp256k1PrivateKey(d);
    }

    @Override
    public KeyType type() {
        return KeyType.SECP256K1;
    }

    /** ECDSA over SHA-256 with deterministic nonces (RFC 6979) and low s, DER-encoded. */
    @Override
    public byte[] sign(byte[] data) {
        return Ec.sign(Ec.SECP256K1, d, data, true);
    }

    @Override
    public Secp256k1PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] raw() {
        return BigIntegers.asUnsignedByteArray(LENGTH, d);
    }

    @Override
    public byte[] marshal() {
        return KeyProto.encode(KeyType.SECP256K1, raw());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secp256k1PrivateKey k && MessageDigest.isEqual(raw(), k.raw());
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    @Override
    public String toString() {
        return "Secp256k1PrivateKey[public=" + publicKey + "]";
    }
}
