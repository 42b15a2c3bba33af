package org.jlibp2p.core.crypto;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;

/**
 * An ECDSA public key on a NIST curve, encoded as a DER {@code SubjectPublicKeyInfo} naming the curve by OID with an
 * uncompressed point. Signatures are ECDSA over SHA-256, DER-encoded.
 */
public final class EcdsaPublicKey implements PublicKey {
    private final EcdsaCurve curve;
    private final ECPoint point;
    private final byte[] spki;
    private final byte[] marshalled;

    EcdsaPublicKey(EcdsaCurve curve, ECPoint point) {
        this.curve = curve;
        this.point = point.normalize();
        try {
            this.spki = new SubjectPublicKeyInfo(
                            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.asn1Oid()),
                            this.point.getEncoded(false))
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        this.marshalled = KeyProto.encode(KeyType.ECDSA, spki);
    }

    static EcdsaPublicKey decode(byte[] data) throws KeyFormatException {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(data));
            if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), data)) {
                throw new KeyFormatException("ECDSA public key is not in DER (distinguished) encoding");
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's ASN.1 reader reports some malformed input as runtime exceptions.
            throw new KeyFormatException("ECDSA public key is not a DER SubjectPublicKeyInfo: " + e.getMessage(), e);
        }
        AlgorithmIdentifier alg = info.getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm())) {
            throw new KeyFormatException("ECDSA public key has algorithm " + alg.getAlgorithm() + ", not id-ecPublicKey");
        }
        if (!(alg.getParameters() instanceof ASN1ObjectIdentifier curveOid)) {
            throw new KeyFormatException("ECDSA public key must name its curve by OID");
        }
        EcdsaCurve curve = EcdsaCurve.byOid(curveOid)
                .orElseThrow(() -> new KeyFormatException("ECDSA public key on unsupported curve " + curveOid));
        if (info.getPublicKeyData().getPadBits() != 0) {
            throw new KeyFormatException("ECDSA public key point is not a whole number of bytes");
        }
        return new EcdsaPublicKey(curve, decodePoint(curve, info.getPublicKeyData().getBytes()));
    }

    /** Decodes an uncompressed point of {@code curve}, as go's x509 package requires. */
    static ECPoint decodePoint(EcdsaCurve curve, byte[] encoded) throws KeyFormatException {
        if (encoded.length != 1 + 2 * curve.fieldBytes() || encoded[0] != 4) {
            throw new KeyFormatException("ECDSA public key must be an uncompressed " + curve.displayName() + " point ("
                    + (1 + 2 * curve.fieldBytes()) + " bytes starting with 04), not " + encoded.length + " bytes");
        }
        try {
            ECPoint p = curve.domain().getCurve().decodePoint(encoded);
            if (p.isInfinity() || !p.isValid()) {
                throw new KeyFormatException("ECDSA public key is not a point of " + curve.displayName());
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("ECDSA public key is not a point of " + curve.displayName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public KeyType type() {
        return KeyType.ECDSA;
    }

    /** The curve of the key. */
    public EcdsaCurve curve() {
        return curve;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        return Ec.verify(curve.domain(), point, data, signature);
    }

    ECPoint point() {
        return point;
    }

    @Override
    public byte[] raw() {
        return spki.clone();
    }

    @Override
    public byte[] marshal() {
        return marshalled.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EcdsaPublicKey k && Arrays.equals(spki, k.spki);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spki);
    }

    @Override
    public String toString() {
        return "EcdsaPublicKey[" + curve.displayName() + " " + HexFormat.of().formatHex(point.getEncoded(false)) + "]";
    }
}
