package org.jlibp2p.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.ECPrivateKey;

/**
 * An ECDSA private key on a NIST curve, encoded as the DER SEC 1 {@code ECPrivateKey} structure that go's
 * {@code x509.MarshalECPrivateKey} writes: version 1, the scalar padded to the curve size, the curve OID and the
 * uncompressed public point.
 */
public final class EcdsaPrivateKey implements PrivateKey {
    private final EcdsaCurve curve;
    private final BigInteger d;
    private final EcdsaPublicKey publicKey;

    EcdsaPrivateKey(EcdsaCurve curve, BigInteger d) {
        if (!Ec.validScalar(curve.domain(), d)) {
            throw new IllegalArgumentException("ECDSA private scalar out of range for " + curve.displayName());
        }
        this.curve = curve;
        this.d = d;
        this.publicKey = new EcdsaPublicKey(curve, Ec.multiplyBase(curve.domain(), d));
    }

    static EcdsaPrivateKey decode(byte[] data) throws KeyFormatException {
        BigInteger d;
        EcdsaCurve curve;
        byte[] embeddedPoint = null;
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(data));
            if (seq.size() < 2 || seq.size() > 4) {
                throw new KeyFormatException("ECDSA private key is not a SEC 1 ECPrivateKey sequence");
            }
            ECPrivateKey sec1 = ECPrivateKey.getInstance(seq);
            BigInteger version = org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            if (!BigInteger.ONE.equals(version)) {
                throw new KeyFormatException("ECDSA private key has version " + version + ", not 1");
            }
            if (!(sec1.getParametersObject() instanceof ASN1ObjectIdentifier oid)) {
                throw new KeyFormatException("ECDSA private key must name its curve by OID");
            }
            curve = EcdsaCurve.byOid(oid)
                    .orElseThrow(() -> new KeyFormatException("ECDSA private key on unsupported curve " + oid));
            byte[] scalar = ASN1OctetString.getInstance(seq.getObjectAt(1)).getOctets();
            if (scalar.length > curve.fieldBytes()) {
                throw new KeyFormatException("ECDSA private scalar of " + scalar.length + " bytes is too long for "
                        + curve.displayName());
            }
            d = new BigInteger(1, scalar);
            for (int i = 2; i < seq.size(); i++) {
                if (seq.getObjectAt(i) instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 1) {
                    DERBitString bits = (DERBitString) DERBitString.getInstance(tagged, true);
                    if (bits.getPadBits() != 0) {
                        throw new KeyFormatException("ECDSA private key's public point is not whole bytes");
                    }
                    embeddedPoint = bits.getBytes();
                }
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's ASN.1 reader reports some malformed input as runtime exceptions.
            if (e instanceof KeyFormatException k) {
                throw k;
            }
            throw new KeyFormatException("ECDSA private key is not a DER SEC 1 ECPrivateKey: " + e.getMessage(), e);
        }
        if (!Ec.validScalar(curve.domain(), d)) {
            throw new KeyFormatException("ECDSA private scalar is zero or not below the order of " + curve.displayName());
        }
        EcdsaPrivateKey key = new EcdsaPrivateKey(curve, d);
        if (embeddedPoint != null
                && !MessageDigest.isEqual(embeddedPoint, key.publicKey.point().getEncoded(false))
                && !MessageDigest.isEqual(embeddedPoint, key.publicKey.point().getEncoded(true))) {
            throw new KeyFormatException("ECDSA private key holds a public point that does not belong to its scalar");
        }
        return key;
    }

    @Override
    public KeyType type() {
        return KeyType.ECDSA;
    }

    /** The curve of the key. */
    public EcdsaCurve curve() {
        return curve;
    }

    /** ECDSA over SHA-256 with deterministic nonces (RFC 6979), DER-encoded. */
    @Override
    public byte[] sign(byte[] data) {
        return Ec.sign(curve.domain(), d, data, false);
    }

    @Override
    public EcdsaPublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] raw() {
        try {
            return new ECPrivateKey(curve.domain().getN().bitLength(), d,
                            new DERBitString(publicKey.point().getEncoded(false)), curve.asn1Oid())
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public byte[] marshal() {
        return KeyProto.encode(KeyType.ECDSA, raw());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EcdsaPrivateKey k && curve == k.curve && MessageDigest.isEqual(raw(), k.raw());
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    @Override
    public String toString() {
        return "EcdsaPrivateKey[public=" + publicKey + "]";
    }
}
