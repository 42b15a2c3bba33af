package org.jlibp2p.kademlia.record;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.peer.PeerId;

/**
 * The {@code /ipns/} namespace: records under {@code "/ipns/"} followed by a peer id (the name) must be IPNS records
 * signed by that peer id's key, verified as the spec's "Record Verification" says. The key is the one the record
 * carries, which must be the name's, or else the one the name inlines (Ed25519, secp256k1), or else one the node
 * already knows for that peer (as go's validator asks its key book); a record of a hashed name (RSA, ECDSA) with no
 * key from any of these is refused. Then {@code signatureV2} must verify over {@code "ipns-signature:"}
 * and {@code data}, and {@code now} must not be after the record's validity.
 *
 * <p>The best of several records has the highest sequence number, then the latest validity; between records equal
 * in both, the one whose encoding is bytewise greatest, as go (boxo) breaks the tie, so that all nodes agree.
 */
public final class IpnsValidator implements Validator {
    private final Function<PeerId, Optional<PublicKey>> knownKeys;

    /** A validator that knows no keys beyond those in records and names. */
    public IpnsValidator() {
        this(peer -> Optional.empty());
    }

    /**
     * A validator that, for a record of a hashed name that carries no key, asks {@code knownKeys} (e.g. the
     * peerstore) for the name's key. A key it returns is used only if its peer id is the name.
     */
    public IpnsValidator(Function<PeerId, Optional<PublicKey>> knownKeys) {
        this.knownKeys = Objects.requireNonNull(knownKeys, "knownKeys");
    }

    @Override
    public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
        Objects.requireNonNull(now, "now");
        PeerId name = IpnsRecord.nameFromKey(key);
        IpnsRecord record = IpnsRecord.decode(value);
        PublicKey publicKey;
        if (record.publicKey().isPresent()) {
            publicKey = record.publicKey().get();
            if (!name.matches(publicKey)) {
                throw new InvalidRecordException("IPNS record for " + name + " carries the key of "
                        + PeerId.fromPublicKey(publicKey));
            }
        } else {
            publicKey = name.extractPublicKey()
                    .or(() -> knownKeys.apply(name).filter(name::matches))
                    .orElseThrow(() -> new InvalidRecordException("IPNS record for " + name
                            + " carries no public key, and the name neither inlines one nor is a known peer"));
        }
        if (!publicKey.verify(record.signatureV2Payload(), record.signatureV2())) {
            throw new InvalidRecordException("IPNS record for " + name + " has a signatureV2 that does not verify");
        }
        if (now.isAfter(record.validity())) {
            throw new InvalidRecordException("IPNS record for " + name + " expired at " + record.validity());
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values, Instant now) throws InvalidRecordException {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to select from");
        }
        List<IpnsRecord> records = new ArrayList<>(values.size());
        for (byte[] v : values) {
            records.add(IpnsRecord.decode(v));
        }
        int best = 0;
        for (int i = 1; i < records.size(); i++) {
            int c = compare(records.get(best), records.get(i));
            if (c == 0) {
                c = Arrays.compareUnsigned(values.get(best), values.get(i));
            }
            if (c < 0) {
                best = i;
            }
        }
        return best;
    }

    /** Positive when {@code a} is newer than {@code b}: higher sequence, then later validity. */
    static int compare(IpnsRecord a, IpnsRecord b) {
        int c = Long.compareUnsigned(a.sequence(), b.sequence());
        return c != 0 ? c : a.validity().compareTo(b.validity());
    }
}
