package org.jlibp2p.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/** An RSA private key of 2048 to 8192 bits, encoded as a DER PKCS#1 {@code RSAPrivateKey} (two primes). */
public final class RsaPrivateKey implements PrivateKey {
    private final RSAPrivateCrtKey key;
    private final RsaPublicKey publicKey;
    private final byte[] pkcs1;

    /** Builds the key from its CRT parameters, checking that they are consistent. */
    RsaPrivateKey(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q, BigInteger dp,
            BigInteger dq, BigInteger qInv) throws KeyFormatException {
        this.publicKey = new RsaPublicKey(n, e);
        BigInteger one = BigInteger.ONE;
        if (p.compareTo(one) <= 0 || q.compareTo(one) <= 0 || !p.multiply(q).equals(n)) {
            throw new KeyFormatException("RSA private key primes do not multiply to the modulus");
        }
        BigInteger p1 = p.subtract(one);
        BigInteger q1 = q.subtract(one);
        if (d.signum() <= 0 || d.compareTo(n) >= 0 || !dp.equals(d.mod(p1)) || !dq.equals(d.mod(q1))
                || !e.multiply(dp).mod(p1).equals(one) || !e.multiply(dq).mod(q1).equals(one)
                || !qInv.multiply(q).mod(p).equals(one) || qInv.signum() <= 0 || qInv.compareTo(p) >= 0) {
            throw new KeyFormatException("RSA private key exponents or coefficient are inconsistent");
        }
        try {
            this.key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qInv));
            this.pkcs1 = new org.bouncycastle.asn1.pkcs.RSAPrivateKey(n, e, d, p, q, dp, dq, qInv)
                    .getEncoded(ASN1Encoding.DER);
        } catch (GeneralSecurityException ex) {
            throw new KeyFormatException("RSA private key rejected: " + ex.getMessage(), ex);
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    static RsaPrivateKey decode(byte[] data) throws KeyFormatException {
        org.bouncycastle.asn1.pkcs.RSAPrivateKey k;
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(data));
            if (seq.size() != 9) {
                throw new KeyFormatException("RSA private key must be a two-prime PKCS#1 RSAPrivateKey (9 fields), "
                        + "not a sequence of " + seq.size());
            }
            k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(seq);
            if (k.getVersion().signum() != 0) {
                throw new KeyFormatException("RSA private key has version " + k.getVersion() + ", not 0 (two primes)");
            }
        } catch (KeyFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's ASN.1 reader reports some malformed input as runtime exceptions.
            throw new KeyFormatException("RSA private key is not a DER PKCS#1 RSAPrivateKey: " + e.getMessage(), e);
        }
        return new RsaPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(),
                k.getPrime2(), k.getExponent1(), k.getExponent2(), k.getCoefficient());
    }

    @Override
    public KeyType type() {
        return KeyType.RSA;
    }

    /** RSASSA-PKCS1-v1_5 with SHA-256. */
    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA signing failed", e);
        }
    }

    @Override
    public RsaPublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] raw() {
        return pkcs1.clone();
    }

    @Override
    public byte[] marshal() {
        return KeyProto.encode(KeyType.RSA, pkcs1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RsaPrivateKey k && MessageDigest.isEqual(pkcs1, k.pkcs1);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    @Override
    public String toString() {
        return "RsaPrivateKey[public=" + publicKey + "]";
    }
}
