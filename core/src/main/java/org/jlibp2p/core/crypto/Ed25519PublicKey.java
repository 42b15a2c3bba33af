package org.jlibp2p.core.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 public key: 32 bytes, signatures as RFC 8032 defines them. */
public final class Ed25519PublicKey implements PublicKey {
    /** Length of the encoded key. */
    public static final int LENGTH = 32;

    private final byte[] key;
    private final byte[] marshalled;

    Ed25519PublicKey(byte[] key) throws KeyFormatException {
        if (key.length != LENGTH) {
            throw new KeyFormatException("Ed25519 public key must be " + LENGTH + " bytes, not " + key.length);
        }
        this.key = key.clone();
        this.marshalled = KeyProto.encode(KeyType.ED25519, this.key);
    }

    @Override
    public KeyType type() {
        return KeyType.ED25519;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        if (signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, key, 0, data, 0, data.length);
    }

    @Override
    public byte[] raw() {
        return key.clone();
    }

    @Override
    public byte[] marshal() {
        return marshalled.clone();
    }

    byte[] keyBytes() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ed25519PublicKey k && Arrays.equals(key, k.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "Ed25519PublicKey[" + HexFormat.of().formatHex(key) + "]";
    }
}
