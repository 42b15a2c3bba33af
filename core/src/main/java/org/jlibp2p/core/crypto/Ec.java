package org.jlibp2p.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** Elliptic-curve helpers shared by the Secp256k1 and ECDSA keys: SHA-256 ECDSA with DER signatures. */
final class Ec {
    static final ECDomainParameters SECP256K1 = new ECDomainParameters(CustomNamedCurves.getByName("secp256k1"));

    /** Longest DER signature considered (P-521: two 66-byte integers plus headers is well below). */
    private static final int MAX_SIGNATURE_BYTES = 160;

    private Ec() {}

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static ECPoint multiplyBase(ECDomainParameters domain, BigInteger d) {
        return new FixedPointCombMultiplier().multiply(domain.getG(), d).normalize();
    }

    static BigInteger randomScalar(ECDomainParameters domain, SecureRandom random) {
        BigInteger n = domain.getN();
        while (true) {
            BigInteger d = new BigInteger(n.bitLength(), random);
            if (d.signum() > 0 && d.compareTo(n) < 0) {
                return d;
            }
        }
    }

    /** Whether {@code d} is a valid private scalar of {@code domain}: 1 to n-1. */
    static boolean validScalar(ECDomainParameters domain, BigInteger d) {
        return d.signum() > 0 && d.compareTo(domain.getN()) < 0;
    }

    /**
     * Signs SHA-256 of {@code data} with deterministic nonces (RFC 6979); with {@code lowS}, s is normalised to the
     * lower half of the group order as Bitcoin requires. Returns the DER {@code SEQUENCE { r, s }}.
     */
    static byte[] sign(ECDomainParameters domain, BigInteger d, byte[] data, boolean lowS) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, domain));
        BigInteger[] rs = signer.generateSignature(sha256(data));
        BigInteger s = rs[1];
        if (lowS && s.compareTo(domain.getN().shiftRight(1)) > 0) {
            s = domain.getN().subtract(s);
        }
        try {
            return new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(s)})
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Verifies a DER signature of SHA-256 of {@code data}; anything but strict DER is not a valid signature. */
    static boolean verify(ECDomainParameters domain, ECPoint q, byte[] data, byte[] signature) {
        BigInteger[] rs = decodeSignature(signature);
        if (rs == null) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, new ECPublicKeyParameters(q, domain));
        return verifier.verifySignature(sha256(data), rs[0], rs[1]);
    }

    private static BigInteger[] decodeSignature(byte[] signature) {
        if (signature.length < 8 || signature.length > MAX_SIGNATURE_BYTES || signature[0] != 0x30) {
            return null;
        }
        try {
            if (!(ASN1Primitive.fromByteArray(signature) instanceof ASN1Sequence seq) || seq.size() != 2
                    || !(seq.getObjectAt(0) instanceof ASN1Integer r)
                    || !(seq.getObjectAt(1) instanceof ASN1Integer s)) {
                return null;
            }
            if (!Arrays.equals(seq.getEncoded(ASN1Encoding.DER), signature)) {
                return null; // not the one DER encoding
            }
            return new BigInteger[] {r.getValue(), s.getValue()};
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's ASN.1 reader reports some malformed input as runtime exceptions.
            return null;
        }
    }
}
