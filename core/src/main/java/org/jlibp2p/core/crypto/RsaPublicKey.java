package org.jlibp2p.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An RSA public key of 2048 to 8192 bits, encoded as a DER {@code SubjectPublicKeyInfo}. Signatures are
 * RSASSA-PKCS1-v1_5 with SHA-256.
 */
public final class RsaPublicKey implements PublicKey {
    /** Smallest modulus accepted, in bits. */
    public static final int MIN_BITS = 2048;
    /** Largest modulus accepted, in bits. */
    public static final int MAX_BITS = 8192;

    private static final AlgorithmIdentifier RSA_ENCRYPTION =
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);

    private final java.security.interfaces.RSAPublicKey key;
    private final byte[] spki;
    private final byte[] marshalled;

    RsaPublicKey(BigInteger modulus, BigInteger exponent) throws KeyFormatException {
        checkParameters(modulus, exponent);
        try {
            this.key = (java.security.interfaces.RSAPublicKey)
                    KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
            this.spki = new SubjectPublicKeyInfo(RSA_ENCRYPTION,
                            new org.bouncycastle.asn1.pkcs.RSAPublicKey(modulus, exponent))
                    .getEncoded(ASN1Encoding.DER);
        } catch (GeneralSecurityException e) {
            throw new KeyFormatException("RSA public key rejected: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        this.marshalled = KeyProto.encode(KeyType.RSA, spki);
    }

    static void checkParameters(BigInteger modulus, BigInteger exponent) throws KeyFormatException {
        int bits = modulus.bitLength();
        if (modulus.signum() <= 0 || bits < MIN_BITS || bits > MAX_BITS) {
            throw new KeyFormatException("RSA key of " + bits + " bits: only " + MIN_BITS + " to " + MAX_BITS
                    + " bits are accepted");
        }
        if (!modulus.testBit(0)) {
            throw new KeyFormatException("RSA modulus is even");
        }
        if (exponent.compareTo(BigInteger.valueOf(3)) < 0 || exponent.bitLength() > 31 || !exponent.testBit(0)) {
            throw new KeyFormatException("RSA public exponent " + exponent + " is not an odd number from 3 to 2^31-1");
        }
    }

    static RsaPublicKey decode(byte[] data) throws KeyFormatException {
        org.bouncycastle.asn1.pkcs.RSAPublicKey inner;
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(data));
            if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), data)) {
                throw new KeyFormatException("RSA public key is not in DER (distinguished) encoding");
            }
            if (!RSA_ENCRYPTION.equals(info.getAlgorithm())) {
                throw new KeyFormatException("RSA public key has algorithm " + info.getAlgorithm().getAlgorithm()
                        + " (parameters " + info.getAlgorithm().getParameters() + "), not rsaEncryption with NULL");
            }
            if (info.getPublicKeyData().getPadBits() != 0) {
                throw new KeyFormatException("RSA public key bit string is not a whole number of bytes");
            }
            inner = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(info.parsePublicKey());
        } catch (KeyFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's ASN.1 reader reports some malformed input as runtime exceptions.
            throw new KeyFormatException("RSA public key is not a DER SubjectPublicKeyInfo: " + e.getMessage(), e);
        }
        RsaPublicKey key = new RsaPublicKey(inner.getModulus(), inner.getPublicExponent());
        if (!Arrays.equals(key.spki, data)) {
            throw new KeyFormatException("RSA public key is not in DER (distinguished) encoding");
        }
        return key;
    }

    @Override
    public KeyType type() {
        return KeyType.RSA;
    }

    /** Size of the modulus in bits. */
    public int bitLength() {
        return key.getModulus().bitLength();
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a signature of the wrong length or form is just not valid
        }
    }

    BigInteger modulus() {
        return key.getModulus();
    }

    BigInteger exponent() {
        return key.getPublicExponent();
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
        return o instanceof RsaPublicKey k && Arrays.equals(spki, k.spki);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spki);
    }

    @Override
    public String toString() {
        return "RsaPublicKey[" + bitLength() + " bits, e=" + key.getPublicExponent() + "]";
    }
}
