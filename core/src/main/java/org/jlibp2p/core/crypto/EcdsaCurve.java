package org.jlibp2p.core.crypto;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/** The NIST curves an {@link KeyType#ECDSA} key may use (named by OID in its DER encoding); P-256 is the default. */
public enum EcdsaCurve {
    P256("P-256", SECObjectIdentifiers.secp256r1),
    P384("P-384", SECObjectIdentifiers.secp384r1),
    P521("P-521", SECObjectIdentifiers.secp521r1);

    private final String displayName;
    private final ASN1ObjectIdentifier oid;
    private final ECDomainParameters domain;

    EcdsaCurve(String displayName, ASN1ObjectIdentifier oid) {
        this.displayName = displayName;
        this.oid = oid;
        this.domain = new ECDomainParameters(CustomNamedCurves.getByOID(oid));
    }

    /** The curve's NIST name, e.g. {@code P-256}. */
    public String displayName() {
        return displayName;
    }

    /** The curve's object identifier in dotted form. */
    public String oid() {
        return oid.getId();
    }

    ASN1ObjectIdentifier asn1Oid() {
        return oid;
    }

    ECDomainParameters domain() {
        return domain;
    }

    /** Bytes of a scalar (and of one coordinate) on this curve. */
    int fieldBytes() {
        return (domain.getCurve().getFieldSize() + 7) / 8;
    }

    static Optional<EcdsaCurve> byOid(ASN1ObjectIdentifier oid) {
        for (EcdsaCurve c : values()) {
            if (c.oid.equals(oid)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
