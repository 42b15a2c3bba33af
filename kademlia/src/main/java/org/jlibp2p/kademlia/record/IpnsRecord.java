package org.jlibp2p.kademlia.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.proto.ipns.IpnsProtos.IpnsEntry;

/**
 * An IPNS record (ipfs/specs {@code src/ipns/ipns-record.md}): a signed, expiring pointer from the name of a key (its
 * peer id) to a content path. The protobuf {@code IpnsEntry} carries a DAG-CBOR document {@code data} with the fields
 * {@code Value}, {@code Validity}, {@code ValidityType}, {@code Sequence} and {@code TTL}, and {@code signatureV2}, the
 * signature of {@code "ipns-signature:"} followed by {@code data}. Only {@code signatureV2} is ever verified.
 *
 * <p>{@link #value()}, {@link #validity()}, {@link #sequence()} and {@link #ttl()} are read from {@code data} (the
 * constructor checks that they match it). {@code sequence} is an unsigned 64-bit number, compared as such.
 * {@link #publicKey()} is the signer's key carried in the record, present when the name (an RSA or ECDSA peer id)
 * does not inline it. {@code signatureV1} is the legacy V1 signature, empty when the record has none; when present,
 * {@link #encode()} also writes the legacy V1 copies of the fields, as go (boxo) and js ({@code ipns}) still do by
 * default so that old resolvers can read the record.
 *
 * <p>Decoding enforces the spec's 10 KiB limit, refuses V1-only records (no {@code signatureV2} or {@code data}),
 * refuses V1 fields that differ from {@code data}, and reads {@code data} strictly as DAG-CBOR. It does not verify
 * the signature or the validity: {@link IpnsValidator} does, against the record's name.
 */
public record IpnsRecord(byte[] value, Instant validity, long sequence, Duration ttl, Optional<PublicKey> publicKey,
        byte[] signatureV2, byte[] data, byte[] signatureV1) {
    /** Largest encoded record read or written: 10 KiB, as the spec's "Record Size Limit". */
    public static final int MAX_SIZE = 10 * 1024;

    /** TTL of records when the publisher has no better idea: 5 minutes, the spec's suggested default. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    /** The key namespace of IPNS records in the DHT. */
    public static final String NAMESPACE = "ipns";

    private static final byte[] KEY_PREFIX = "/ipns/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_V2_PREFIX = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);
    /** What go and js append to the V1 signature data: the name of the validity type EOL. */
    private static final byte[] V1_VALIDITY_TYPE = "EOL".getBytes(StandardCharsets.US_ASCII);
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    /** Checks that the fields are those {@code data} holds; copies the arrays. */
    public IpnsRecord {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(signatureV2, "signatureV2");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(signatureV1, "signatureV1");
        value = value.clone();
        signatureV2 = signatureV2.clone();
        data = data.clone();
        signatureV1 = signatureV1.clone();
        DataFields fields;
        try {
            fields = DataFields.read(data);
        } catch (InvalidRecordException e) {
            throw new IllegalArgumentException("data is not an IPNS data document: " + e.getMessage(), e);
        }
        if (!Arrays.equals(value, fields.value()) || !validity.equals(fields.validity())
                || sequence != fields.sequence() || !ttl.equals(fields.ttl())) {
            throw new IllegalArgumentException("the record's fields differ from those in its data");
        }
    }

    /** A record without a legacy V1 signature. */
    public IpnsRecord(byte[] value, Instant validity, long sequence, Duration ttl, Optional<PublicKey> publicKey,
            byte[] signatureV2, byte[] data) {
        this(value, validity, sequence, ttl, publicKey, signatureV2, data, new byte[0]);
    }

    /**
     * A record for the name of {@code key}, signed by it, pointing at {@code value} (a content path such as
     * {@code /ipfs/bafy...}) until {@code validity}. As go and js make them by default, it carries the legacy V1
     * fields and signature too, and the public key when the name does not inline it (RSA, ECDSA).
     *
     * @param sequence the record's version, unsigned; a new record must have a higher one than the last
     * @param ttl how long resolvers may cache the record; at most 2^64-1 nanoseconds
     * @throws IllegalArgumentException if {@code ttl} is negative or too long, {@code validity} is outside the years
     *     0 to 9999, or the record would exceed {@value #MAX_SIZE} bytes
     */
    public static IpnsRecord create(PrivateKey key, byte[] value, long sequence, Instant validity, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        byte[] validityText = Rfc3339.format(validity).getBytes(StandardCharsets.US_ASCII);
        byte[] data = DagCbor.writeIpnsData(value, validityText, sequence, unsignedNanos(ttl));
        byte[] signatureV2 = key.sign(concat(SIGNATURE_V2_PREFIX, data));
        byte[] signatureV1 = key.sign(concat(value, validityText, V1_VALIDITY_TYPE));
        PublicKey publicKey = key.publicKey();
        Optional<PublicKey> embedded = PeerId.fromPublicKey(publicKey).extractPublicKey().isPresent()
                ? Optional.empty()
                : Optional.of(publicKey);
        IpnsRecord record = new IpnsRecord(value, validity, sequence, ttl, embedded, signatureV2, data, signatureV1);
        int size = record.encode().length;
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("the record would take " + size + " bytes, over the limit of "
                    + MAX_SIZE);
        }
        return record;
    }

    /**
     * Reads an encoded record, checking its form but not its signature or validity.
     *
     * @throws InvalidRecordException if it exceeds {@value #MAX_SIZE} bytes, is not an {@code IpnsEntry}, lacks
     *     {@code signatureV2} or {@code data} (a V1-only record), has a {@code data} that is not DAG-CBOR with the
     *     five fields, a validity type other than EOL, V1 fields that differ from {@code data}, or a malformed
     *     public key
     */
    public static IpnsRecord decode(byte[] bytes) throws InvalidRecordException {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > MAX_SIZE) {
            throw new InvalidRecordException("IPNS record of " + bytes.length + " bytes exceeds the limit of "
                    + MAX_SIZE);
        }
        IpnsEntry entry;
        try {
            entry = IpnsEntry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("IPNS record is not an IpnsEntry protobuf: " + e.getMessage(), e);
        }
        if (entry.getUnknownFields().hasField(IpnsEntry.VALIDITYTYPE_FIELD_NUMBER)) {
            throw new InvalidRecordException("IPNS record has an unknown validity type");
        }
        if (entry.getSignatureV2().isEmpty()) {
            throw new InvalidRecordException("IPNS record has no signatureV2"
                    + (entry.getSignatureV1().isEmpty() ? "" : " (a V1-only record, no longer accepted)"));
        }
        if (entry.getData().isEmpty()) {
            throw new InvalidRecordException("IPNS record has no data");
        }
        byte[] data = entry.getData().toByteArray();
        DataFields fields = DataFields.read(data);
        if (!entry.getSignatureV1().isEmpty() || !entry.getValue().isEmpty()) {
            checkV1Fields(entry, fields);
        }
        Optional<PublicKey> publicKey = Optional.empty();
        if (!entry.getPubKey().isEmpty()) {
            try {
                publicKey = Optional.of(Keys.unmarshalPublicKey(entry.getPubKey().toByteArray()));
            } catch (KeyFormatException e) {
                throw new InvalidRecordException("IPNS record's public key is malformed: " + e.getMessage(), e);
            }
        }
        return new IpnsRecord(fields.value(), fields.validity(), fields.sequence(), fields.ttl(), publicKey,
                entry.getSignatureV2().toByteArray(), data, entry.getSignatureV1().toByteArray());
    }

    /** The spec's rule for V1+V2 records: each legacy field must equal its copy in {@code data}. */
    private static void checkV1Fields(IpnsEntry entry, DataFields fields) throws InvalidRecordException {
        String differs = null;
        if (!Arrays.equals(entry.getValue().toByteArray(), fields.value())) {
            differs = "value";
        } else if (!Arrays.equals(entry.getValidity().toByteArray(), fields.validityBytes())) {
            differs = "validity";
        } else if (entry.getValidityType() != IpnsEntry.ValidityType.EOL) {
            differs = "validityType";
        } else if (entry.getSequence() != fields.sequence()) {
            differs = "sequence";
        } else if (entry.getTtl() != fields.ttlNanos()) {
            differs = "ttl";
        }
        if (differs != null) {
            throw new InvalidRecordException("IPNS record's V1 field " + differs + " differs from its data");
        }
    }

    /** The {@code IpnsEntry} protobuf; with the legacy V1 fields when the record has a V1 signature. */
    public byte[] encode() {
        IpnsEntry.Builder b = IpnsEntry.newBuilder();
        if (signatureV1.length > 0) {
            DataFields fields;
            try {
                fields = DataFields.read(data);
            } catch (InvalidRecordException e) {
                throw new IllegalStateException("data was checked on construction", e);
            }
            b.setValue(ByteString.copyFrom(value))
                    .setSignatureV1(ByteString.copyFrom(signatureV1))
                    .setValidityType(IpnsEntry.ValidityType.EOL)
                    .setValidity(ByteString.copyFrom(fields.validityBytes()))
                    .setSequence(sequence)
                    .setTtl(fields.ttlNanos());
        }
        publicKey.ifPresent(k -> b.setPubKey(ByteString.copyFrom(k.marshal())));
        return b.setSignatureV2(ByteString.copyFrom(signatureV2))
                .setData(ByteString.copyFrom(data))
                .build()
                .toByteArray();
    }

    /** The DHT key of the records of {@code name}: {@code "/ipns/"} followed by the peer id's bytes. */
    public static byte[] keyFor(PeerId name) {
        return concat(KEY_PREFIX, name.bytes());
    }

    /**
     * The name whose records are stored under {@code key}.
     *
     * @throws InvalidRecordException if {@code key} is not {@code "/ipns/"} followed by a peer id
     */
    public static PeerId nameFromKey(byte[] key) throws InvalidRecordException {
        if (key.length <= KEY_PREFIX.length
                || !Arrays.equals(key, 0, KEY_PREFIX.length, KEY_PREFIX, 0, KEY_PREFIX.length)) {
            throw new InvalidRecordException("not an IPNS key (\"/ipns/\" and a peer id)");
        }
        try {
            return PeerId.fromBytes(Arrays.copyOfRange(key, KEY_PREFIX.length, key.length));
        } catch (PeerIdException e) {
            throw new InvalidRecordException("IPNS key does not name a peer id: " + e.getMessage(), e);
        }
    }

    /** What {@code signatureV2} signs: {@code "ipns-signature:"} followed by {@code data}. */
    public byte[] signatureV2Payload() {
        return concat(SIGNATURE_V2_PREFIX, data);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public byte[] signatureV2() {
        return signatureV2.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public byte[] signatureV1() {
        return signatureV1.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpnsRecord r && Arrays.equals(value, r.value) && validity.equals(r.validity)
                && sequence == r.sequence && ttl.equals(r.ttl) && publicKey.equals(r.publicKey)
                && Arrays.equals(signatureV2, r.signatureV2) && Arrays.equals(data, r.data)
                && Arrays.equals(signatureV1, r.signatureV1);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(data), Arrays.hashCode(signatureV2), Arrays.hashCode(signatureV1),
                publicKey);
    }

    @Override
    public String toString() {
        return "IpnsRecord[value=" + printable(value) + ", validity=" + validity + ", sequence="
                + Long.toUnsignedString(sequence) + ", ttl=" + ttl + ", publicKey="
                + publicKey.map(k -> k.type().toString()).orElse("none") + ", v1=" + (signatureV1.length > 0) + "]";
    }

    private static String printable(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** {@code ttl} in nanoseconds as an unsigned 64-bit number. */
    private static long unsignedNanos(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("negative TTL " + ttl);
        }
        BigInteger nanos = BigInteger.valueOf(ttl.getSeconds()).multiply(NANOS_PER_SECOND)
                .add(BigInteger.valueOf(ttl.getNano()));
        if (nanos.bitLength() > 64) {
            throw new IllegalArgumentException("TTL " + ttl + " exceeds 2^64-1 nanoseconds");
        }
        return nanos.longValue();
    }

    private static Duration durationOfUnsignedNanos(long nanos) {
        return Duration.ofSeconds(Long.divideUnsigned(nanos, 1_000_000_000L), Long.remainderUnsigned(nanos,
                1_000_000_000L));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The five fields of an IPNS {@code data} document. */
    private record DataFields(byte[] value, byte[] validityBytes, Instant validity, long sequence, long ttlNanos) {
        Duration ttl() {
            return durationOfUnsignedNanos(ttlNanos);
        }

        static DataFields read(byte[] data) throws InvalidRecordException {
            Map<String, Object> map = DagCbor.readMap(data);
            byte[] value = field(map, "Value", byte[].class);
            byte[] validityBytes = field(map, "Validity", byte[].class);
            long validityType = field(map, "ValidityType", DagCbor.UnsignedInt.class).value();
            long sequence = field(map, "Sequence", DagCbor.UnsignedInt.class).value();
            long ttl = field(map, "TTL", DagCbor.UnsignedInt.class).value();
            if (validityType != 0) {
                throw new InvalidRecordException("IPNS validity type " + Long.toUnsignedString(validityType)
                        + " is not supported (only 0, EOL)");
            }
            String text = new String(validityBytes, StandardCharsets.ISO_8859_1);
            return new DataFields(value, validityBytes, Rfc3339.parse(text), sequence, ttl);
        }

        private static <T> T field(Map<String, Object> map, String name, Class<T> type)
                throws InvalidRecordException {
            Object v = map.get(name);
            if (v == null) {
                throw new InvalidRecordException("IPNS data has no " + name);
            }
            if (!type.isInstance(v)) {
                throw new InvalidRecordException("IPNS data's " + name + " is not "
                        + (type == byte[].class ? "a byte string" : "an unsigned integer"));
            }
            return type.cast(v);
        }
    }
}
