package org.jlibp2p.security.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.security.InvalidSignatureException;

/**
 * The certificates of the libp2p TLS handshake (libp2p/specs tls/tls.md): self-signed, with a certificate key of its
 * own (ECDSA P-256, as go-libp2p and js-libp2p use) that the host key vouches for in the libp2p public key
 * extension, {@value #EXTENSION_OID}:
 *
 * <pre>
 * SignedKey ::= SEQUENCE {
 *   publicKey OCTET STRING,   -- the host public key, libp2p protobuf encoding
 *   signature OCTET STRING    -- by the host key, over "libp2p-tls-handshake:" || the certificate's SubjectPublicKeyInfo
 * }
 * </pre>
 */
final class TlsCertificates {
    /** The libp2p public key extension's OID, allocated by IANA to libp2p. */
    static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";
    static final byte[] SIGNATURE_PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);

    /** How long before its creation a certificate is valid, for clocks a little behind ours (as go-libp2p). */
    static final Duration BACKDATE = Duration.ofHours(1);
    /** How long after its creation a certificate stays valid (as go-libp2p: about 100 years). */
    static final Duration LIFETIME = Duration.ofDays(100 * 365);

    /** Critical extensions this side understands besides libp2p's: key usage, SAN, basic constraints, EKU. */
    private static final Set<String> UNDERSTOOD_CRITICAL = Set.of(EXTENSION_OID, "2.5.29.15", "2.5.29.17",
            "2.5.29.19", "2.5.29.37");

    /** A certificate (DER) and its certificate key. */
    record LocalCertificate(byte[] der, KeyPair key) {}

    /** A remote peer as its certificate proves it. */
    record Remote(PeerId peer, PublicKey key) {}

    private TlsCertificates() {}

    /** A fresh certificate key and a certificate for it carrying {@code identity}'s signature, valid from now. */
    static LocalCertificate generate(PrivateKey identity, SecureRandom random) {
        KeyPair certKey = generateCertificateKey(random);
        Instant now = Instant.now();
        return build(certKey, Optional.of(signedKey(identity, certKey.getPublic().getEncoded())),
                now.minus(BACKDATE), now.plus(LIFETIME), random);
    }

    /** A new ECDSA P-256 key pair. */
    static KeyPair generateCertificateKey(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make ECDSA P-256 keys", e);
        }
    }

    /** The DER encoding of the SignedKey extension value: {@code identity}'s key and its signature over {@code spki}. */
    static byte[] signedKey(PrivateKey identity, byte[] spki) {
        byte[] signature = identity.sign(signedData(spki));
        try {
            return new DERSequence(new ASN1Encodable[] {
                new DEROctetString(identity.publicKey().marshal()), new DEROctetString(signature)
            }).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding into memory failed", e);
        }
    }

    /**
     * A certificate for {@code certKey}, self-signed with SHA-256 and ECDSA, whose only extension, critical, is the
     * libp2p one holding {@code extension} (none when empty). js-libp2p reads the libp2p extension as the first one.
     */
    static LocalCertificate build(KeyPair certKey, Optional<byte[]> extension, Instant notBefore, Instant notAfter,
            SecureRandom random) {
        BigInteger serial = new BigInteger(63, random).add(BigInteger.ONE);
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.SERIALNUMBER, serial.toString()).build();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial, Date.from(notBefore),
                Date.from(notAfter), name, certKey.getPublic());
        try {
            if (extension.isPresent()) {
                builder.addExtension(new ASN1ObjectIdentifier(EXTENSION_OID), true,
                        ASN1Primitive.fromByteArray(extension.get()));
            }
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(certKey.getPrivate()))
                    .getEncoded();
            return new LocalCertificate(der, certKey);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a self-signed certificate", e);
        }
    }

    /**
     * What checks a certificate's self-signature: BouncyCastle's ECDSA for EC keys (every libp2p implementation's
     * choice; about three times the JDK's speed at verifying on P-256), the JDK for anything else.
     */
    private static ContentVerifierProvider verifierFor(X509CertificateHolder cert) throws OperatorCreationException {
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(cert.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm())) {
            return new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()).build(cert);
        }
        return new JcaContentVerifierProviderBuilder().build(cert.getSubjectPublicKeyInfo());
    }

    static byte[] signedData(byte[] spki) {
        byte[] data = new byte[SIGNATURE_PREFIX.length + spki.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, data, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(spki, 0, data, SIGNATURE_PREFIX.length, spki.length);
        return data;
    }

    /**
     * Checks a remote's certificate chain (DER certificates) as the spec says and returns the peer it proves. The
     * certificates are read with BouncyCastle, which accepts what the JDK's parser refuses but X.509 allows, such as
     * the empty issuer and subject of js-libp2p's certificates.
     *
     * @throws CertificateValidityException if the certificate is not valid at {@code now}
     * @throws InvalidSignatureException if the host key's signature over the certificate key does not verify
     * @throws InvalidCertificateException for every other breach
     */
    static Remote verify(List<byte[]> chain, Instant now) throws InvalidCertificateException,
            InvalidSignatureException {
        if (chain == null || chain.size() != 1) {
            throw new InvalidCertificateException("the remote sent " + (chain == null ? 0 : chain.size())
                    + " certificates; exactly one is allowed");
        }
        X509CertificateHolder cert;
        try {
            cert = new X509CertificateHolder(chain.get(0));
        } catch (IOException | RuntimeException e) {
            throw new InvalidCertificateException("the remote's certificate is not X.509: " + e.getMessage(), e);
        }
        Date at = Date.from(now);
        if (at.after(cert.getNotAfter())) {
            throw new CertificateValidityException("the remote's certificate expired on "
                    + cert.getNotAfter().toInstant());
        }
        if (at.before(cert.getNotBefore())) {
            throw new CertificateValidityException("the remote's certificate is valid only from "
                    + cert.getNotBefore().toInstant());
        }
        Certificate structure = cert.toASN1Structure();
        TBSCertificate tbs = structure.getTBSCertificate();
        if (tbs.getIssuerUniqueId() != null || tbs.getSubjectUniqueId() != null) {
            throw new InvalidCertificateException("the remote's certificate carries the deprecated unique ids");
        }
        for (Object oid : cert.getCriticalExtensionOIDs()) {
            if (!UNDERSTOOD_CRITICAL.contains(oid.toString())) {
                throw new InvalidCertificateException("the remote's certificate has a critical extension " + oid
                        + " this side does not understand");
            }
        }
        boolean selfSigned;
        try {
            selfSigned = cert.isSignatureValid(verifierFor(cert));
        } catch (CertException | OperatorCreationException | RuntimeException e) {
            throw new InvalidCertificateException("the self-signature of the remote's certificate cannot be checked: "
                    + e.getMessage(), e);
        }
        if (!selfSigned) {
            throw new InvalidCertificateException("the self-signature of the remote's certificate does not verify");
        }
        org.bouncycastle.asn1.x509.Extension extension = cert.getExtension(new ASN1ObjectIdentifier(EXTENSION_OID));
        if (extension == null) {
            throw new InvalidCertificateException("the remote's certificate has no libp2p public key extension ("
                    + EXTENSION_OID + ")");
        }
        byte[] hostKey;
        byte[] signature;
        byte[] spki;
        try {
            ASN1Sequence signedKey = ASN1Sequence.getInstance(extension.getExtnValue().getOctets());
            if (signedKey.size() != 2) {
                throw new InvalidCertificateException("the libp2p public key extension has " + signedKey.size()
                        + " fields instead of 2");
            }
            hostKey = ASN1OctetString.getInstance(signedKey.getObjectAt(0)).getOctets();
            signature = ASN1OctetString.getInstance(signedKey.getObjectAt(1)).getOctets();
            spki = cert.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            // BouncyCastle's getInstance reports a wrong or truncated structure with unchecked exceptions
            throw new InvalidCertificateException("the libp2p public key extension is not a SignedKey: "
                    + e.getMessage(), e);
        }
        PublicKey key;
        try {
            key = Keys.unmarshalPublicKey(hostKey);
        } catch (KeyFormatException e) {
            throw new InvalidCertificateException("the host key in the libp2p public key extension is invalid: "
                    + e.getMessage(), e);
        }
        PeerId peer = PeerId.fromPublicKey(key);
        if (!key.verify(signedData(spki), signature)) {
            throw new InvalidSignatureException("the signature of " + peer
                    + " over the key of its TLS certificate does not verify");
        }
        return new Remote(peer, key);
    }
}
