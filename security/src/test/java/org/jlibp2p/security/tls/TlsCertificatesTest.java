package org.jlibp2p.security.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.security.InvalidSignatureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The certificates alone: the spec's test vectors, and round trips of our own. */
@Timeout(30)
class TlsCertificatesTest {
    // libp2p/specs tls/tls.md, "Test vectors"
    private static final String ED25519_CERT = "308201ae30820156a0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea37c307a3078060a2b0601040183a25a0101046a306804240801"
            + "1220a77f1d92fedb59dddaea5a1c4abd1ac2fbde7d7b879ed364501809923d7c11b90440d90d2769db992d5e6195dbb08e70"
            + "6b6651e024fda6cfb8846694a435519941cac215a8207792e42849cccc6cd8136c6e4bde92a58c5e08cfd4206eb5fe0bf909"
            + "300a06082a8648ce3d0403020346003043021f50f6b6c52711a881778718238f650c9fb48943ae6ee6d28427dc6071ae55e7"
            + "02203625f116a7a454db9c56986c82a25682f7248ea1cb764d322ea983ed36a31b77";

    private static final String ECDSA_CERT = "308201f63082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081"
            + "aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f0"
            + "93a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f20447"
            + "30450220064ea8124774caf8f50e57f436aa62350ce652418c019df5d98a3ac666c9386a022100aa59d704a931b5f72fb922"
            + "2cb6cc51f954d04a4e2e5450f8805fe8918f71eaae300a06082a8648ce3d04030203470030440220799395b0b6c1e940a7e4"
            + "484705f610ab51ed376f19ff9d7c16757cfbf61b8d4302206205c03fbb0f95205c779be86581d3e31c01871ad5d1f3435bcf"
            + "375cb0e5088a";

    private static final String SECP256K1_CERT = "308201ba3082015fa0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea38184308181307f060a2b0601040183a25a01010471306f0425"
            + "080212210206dc6968726765b820f050263ececf7f71e4955892776c0970542efd689d2382044630440220145e15a991961f"
            + "0d08cd15425bb95ec93f6ffa03c5a385eedc34ecf464c7a8ab022026b3109b8a3f40ef833169777eb2aa337cfb6282f188de"
            + "0666d1bcec2a4690dd300a06082a8648ce3d0403020349003046022100e1a217eeef9ec9204b3f774a08b70849646b6a1e6b"
            + "8b27f93dc00ed58545d9fe022100b00dafa549d0f03547878338c7b15e7502888f6d45db387e5ae6b5d46899cef0";

    private static final String INVALID_CERT = "308201f73082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081"
            + "aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f0"
            + "93a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f20447"
            + "3045022100bb6e03577b7cc7a3cd1558df0da2b117dfdcc0399bc2504ebe7de6f65cade72802206de96e2a5be9b6202adba2"
            + "4ee0362e490641ac45c240db71fe955f2c5cf8df6e300a06082a8648ce3d0403020348003045022100e847f267f43717358f"
            + "850355bdcabbefb2cfbf8a3c043b203a14788a092fe8db022027c1d04a2d41fd6b57a7e8b3989e470325de4406e52e084e34"
            + "a3fd56eef0d0df";

    private static byte[] cert(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static PeerId verify(String hex) throws Exception {
        return TlsCertificates.verify(List.of(cert(hex)), Instant.now()).peer();
    }

    @Test
    void specVectorsProveTheirPeerIds() throws Exception {
        assertEquals(PeerId.parse("12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv"), verify(ED25519_CERT));
        assertEquals(PeerId.parse("QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE"), verify(ECDSA_CERT));
        assertEquals(PeerId.parse("16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs"), verify(SECP256K1_CERT));
    }

    @Test
    void specVectorWithAMismatchedSignatureIsRejected() {
        assertThrows(InvalidSignatureException.class, () -> verify(INVALID_CERT));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void generatedCertificatesFollowTheSpec(KeyType type) throws Exception {
        PrivateKey identity = (type == KeyType.RSA ? Keys.generateRsa(2048) : Keys.generate(type)).privateKey();
        Instant before = Instant.now();
        byte[] der = TlsCertificates.generate(identity, new SecureRandom()).der();
        assertEquals(PeerId.fromPublicKey(identity.publicKey()),
                TlsCertificates.verify(List.of(der), Instant.now()).peer());
        java.security.cert.X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(new X509CertificateHolder(der));
        // ECDSA P-256, self-signed, the libp2p extension critical, valid from an hour ago for about 100 years.
        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        assertEquals(256, ((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        assertEquals(cert.getIssuerX500Principal(), cert.getSubjectX500Principal());
        cert.verify(cert.getPublicKey());
        assertTrue(cert.getCriticalExtensionOIDs().contains(TlsCertificates.EXTENSION_OID));
        assertEquals(1, cert.getCriticalExtensionOIDs().size() + cert.getNonCriticalExtensionOIDs().size());
        assertNull(cert.getIssuerUniqueID());
        assertTrue(!cert.getNotBefore().toInstant().isAfter(before.minus(Duration.ofMinutes(59))));
        assertTrue(cert.getNotAfter().toInstant().isAfter(before.plus(Duration.ofDays(99 * 365))));
        assertTrue(cert.getSerialNumber().signum() > 0);
    }

    @Test
    void certificatesAreOfTheChannelNotOfTheHostKey() throws Exception {
        PrivateKey identity = Keys.generateEd25519().privateKey();
        X509CertificateHolder a = holder(new TlsSecureChannel(new TlsConfig(identity)).certificate());
        X509CertificateHolder b = holder(new TlsSecureChannel(new TlsConfig(identity)).certificate());
        assertTrue(!a.getSubjectPublicKeyInfo().equals(b.getSubjectPublicKeyInfo()));
    }

    private static X509CertificateHolder holder(byte[] der) throws Exception {
        return new X509CertificateHolder(der);
    }

    @Test
    void chainsOfOtherLengthsAreRejected() {
        byte[] c = cert(ED25519_CERT);
        assertThrows(InvalidCertificateException.class, () -> TlsCertificates.verify(List.of(), Instant.now()));
        assertThrows(InvalidCertificateException.class, () -> TlsCertificates.verify(List.of(c, c), Instant.now()));
        assertThrows(InvalidCertificateException.class, () -> TlsCertificates.verify(null, Instant.now()));
    }

    @Test
    void validityIsCheckedAgainstTheGivenTime() {
        byte[] c = cert(ED25519_CERT); // 1975 to 4096
        assertThrows(CertificateValidityException.class,
                () -> TlsCertificates.verify(List.of(c), Instant.parse("1970-01-01T00:00:00Z")));
    }

    @Test
    void aBrokenSelfSignatureIsRejected() {
        byte[] der = cert(ED25519_CERT);
        der[der.length - 3] ^= 1; // inside the signature value
        InvalidCertificateException e = assertThrows(InvalidCertificateException.class,
                () -> TlsCertificates.verify(List.of(der), Instant.now()));
        assertTrue(e.getMessage().contains("self-signature"), e.getMessage());
    }

    @Test
    void notACertificateIsRejected() {
        assertThrows(InvalidCertificateException.class,
                () -> TlsCertificates.verify(List.of(new byte[] {0x30, 0x03, 1, 2, 3}), Instant.now()));
        assertThrows(InvalidCertificateException.class,
                () -> TlsCertificates.verify(List.of(new byte[0]), Instant.now()));
    }

    /** js-libp2p's certificates have an empty issuer and subject, which the JDK's X.509 parser refuses. */
    @Test
    void anEmptyIssuerAndSubjectAreAccepted() throws Exception {
        KeyPair certKey = TlsCertificates.generateCertificateKey(new SecureRandom());
        PrivateKey identity = Keys.generateSecp256k1().privateKey();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                java.math.BigInteger.TEN, java.util.Date.from(now.minusSeconds(60)),
                java.util.Date.from(now.plusSeconds(60)), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                certKey.getPublic());
        builder.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier(TlsCertificates.EXTENSION_OID), true,
                org.bouncycastle.asn1.ASN1Primitive.fromByteArray(
                        TlsCertificates.signedKey(identity, certKey.getPublic().getEncoded())));
        byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(certKey.getPrivate()))
                .getEncoded();
        assertThrows(java.security.cert.CertificateException.class, () -> java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der)));
        assertEquals(PeerId.fromPublicKey(identity.publicKey()), TlsCertificates.verify(List.of(der), now).peer());
    }

    @Test
    void malformedExtensionsAreInvalidCertificates() throws Exception {
        KeyPair certKey = TlsCertificates.generateCertificateKey(new SecureRandom());
        PrivateKey identity = Keys.generateEd25519().privateKey();
        byte[] good = TlsCertificates.signedKey(identity, certKey.getPublic().getEncoded());
        ASN1OctetString hostKey = new DEROctetString(identity.publicKey().marshal());
        List<byte[]> bad = List.of(
                new DERSequence(hostKey).getEncoded(), // one field
                new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {hostKey, hostKey, hostKey}).getEncoded(),
                new DEROctetString(good).getEncoded(), // not a sequence
                new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                    new DEROctetString(new byte[] {8, 1, 18, 3, 1, 2, 3}), new DEROctetString(new byte[64])
                }).getEncoded()); // an Ed25519 key of 3 bytes
        Instant now = Instant.now();
        for (byte[] extension : bad) {
            byte[] c = TlsCertificates.build(certKey, Optional.of(extension), now.minusSeconds(60),
                    now.plusSeconds(60), new SecureRandom()).der();
            assertThrows(InvalidCertificateException.class, () -> TlsCertificates.verify(List.of(c), now));
        }
        byte[] ok = TlsCertificates.build(certKey, Optional.of(good), now.minusSeconds(60),
                now.plusSeconds(60), new SecureRandom()).der();
        assertNotNull(TlsCertificates.verify(List.of(ok), now));
    }
}
