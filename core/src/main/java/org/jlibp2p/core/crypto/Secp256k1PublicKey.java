package org.jlibp2p.core.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A Secp256k1 public key, encoded as the 33-byte compressed point (the 65-byte uncompressed form is read too).
 * Signatures are ECDSA over SHA-256, DER-encoded, with low s when made here.
 */
public final class Secp256k1PublicKey implements PublicKey {
    private final ECPoint point;
    private final byte[] compressed;
    private final byte[] marshalled;

    Secp256k1PublicKey(ECPoint point) {
        this.point = point.normalize();
        this.compressed = this.point.getEncoded(true);
        this.marshalled = KeyProto.encode(KeyType.SECP256K1, compressed);
    }

    static Secp256k1PublicKey decode(byte[] data) throws KeyFormatException {
        boolean compressedForm = data.length == 33 && (data[0] == 2 || data[0] == 3);
        boolean uncompressedForm = data.length == 65 && data[0] == 4;
        if (!compressedForm && !uncompressedForm) {
            throw new KeyFormatException("Secp256k1 public key must be a 33-byte compressed (02/03) or 65-byte "
                    + "uncompressed (04) point, not " + data.length + " bytes starting with " + (data.length == 0
                    ? "nothing" : String.format("%02x", data[0])));
        }
        try {
            ECPoint p = Ec.SECP256K1.getCurve().decodePoint(data);
            if (p.isInfinity() || !p.isValid()) {
                throw new KeyFormatException("Secp256k1 public key is not a point of the curve");
            }
            return new Secp256k1PublicKey(p);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("Secp256k1 public key is not a point of the curve: " + e.getMessage(), e);
        }
    }

    @Override
    public KeyType type() {
        return KeyType.SECP256K1;
    }

    /** Accepts DER signatures with either half of s, as go-libp2p does. */
    @Override
    public boolean verify(byte[] data, byte[] signature) {
        return Ec.verify(Ec.SECP256K1, point, data, signature);
    }

    @Override
    public byte[] raw() {
        return compressed.clone();
    }

    /** The 65-byte uncompressed point. */
    public byte[] uncompressed() {
        return point.getEncoded(false);
    }

    @Override
    public byte[] marshal() {
        return marshalled.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secp256k1PublicKey k && Arrays.equals(compressed, k.compressed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(compressed);
    }

    @Override
    public String toString() {
        return "Secp256k1PublicKey[" + HexFormat.of().formatHex(compressed) + "]";
    }
}
