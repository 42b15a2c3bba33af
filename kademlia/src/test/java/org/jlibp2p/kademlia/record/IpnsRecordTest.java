package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.ipns.IpnsProtos.IpnsEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IpnsRecordTest {
    private static final byte[] VALUE = "/ipfs/bafkqaddwgevxmmraojswg33smq".getBytes(StandardCharsets.US_ASCII);
    private static final Instant VALIDITY = Instant.parse("2030-05-06T07:08:09.123456789Z");
    private static final Duration TTL = Duration.ofMinutes(5);

    @Test
    void createdRecordsCarryV2AndTheLegacyV1Fields() throws Exception {
        PrivateKey key = TestKeys.ED25519;
        IpnsRecord record = IpnsRecord.create(key, VALUE, 7, VALIDITY, TTL);
        assertArrayEquals(VALUE, record.value());
        assertEquals(VALIDITY, record.validity());
        assertEquals(7, record.sequence());
        assertEquals(TTL, record.ttl());
        assertEquals(Optional.empty(), record.publicKey(), "an Ed25519 name inlines its key");

        IpnsEntry entry = IpnsEntry.parseFrom(record.encode());
        assertArrayEquals(VALUE, entry.getValue().toByteArray());
        assertEquals("2030-05-06T07:08:09.123456789Z", entry.getValidity().toStringUtf8());
        assertTrue(entry.hasValidityType());
        assertEquals(IpnsEntry.ValidityType.EOL, entry.getValidityType());
        assertEquals(7, entry.getSequence());
        assertEquals(TTL.toNanos(), entry.getTtl());
        assertFalse(entry.hasPubKey());
        assertArrayEquals(record.data(), entry.getData().toByteArray());

        byte[] signed = concat("ipns-signature:".getBytes(StandardCharsets.US_ASCII), record.data());
        assertTrue(key.publicKey().verify(signed, entry.getSignatureV2().toByteArray()), "signatureV2");
        byte[] v1 = concat(VALUE, entry.getValidity().toByteArray(), "EOL".getBytes(StandardCharsets.US_ASCII));
        assertTrue(key.publicKey().verify(v1, entry.getSignatureV1().toByteArray()),
                "signatureV1 as go and js make it");
    }

    @Test
    void embedsThePublicKeyOnlyWhenTheNameDoesNotInlineIt() throws Exception {
        for (PrivateKey key : TestKeys.ALL) {
            IpnsRecord record = IpnsRecord.create(key, VALUE, 1, VALIDITY, TTL);
            boolean inlined = PeerId.fromPublicKey(key.publicKey()).extractPublicKey().isPresent();
            assertEquals(!inlined, record.publicKey().isPresent(), key.type().toString());
            boolean rsaOrEcdsa = key.type() == KeyType.RSA || key.type() == KeyType.ECDSA;
            assertEquals(rsaOrEcdsa, record.publicKey().isPresent(), key.type().toString());
            record.publicKey().ifPresent(k -> assertEquals(key.publicKey(), k));
            assertEquals(record, IpnsRecord.decode(record.encode()), key.type().toString());
        }
    }

    @Test
    void decodingAndEncodingAgainGivesTheSameBytes() throws Exception {
        byte[] bytes = IpnsRecord.create(TestKeys.RSA, VALUE, 99, VALIDITY, TTL).encode();
        assertArrayEquals(bytes, IpnsRecord.decode(bytes).encode());
        for (IpnsSpecVectors.Vector v : new IpnsSpecVectors.Vector[] {IpnsSpecVectors.V1_V2, IpnsSpecVectors.V2,
                IpnsSpecVectors.V1_V2_BROKEN_SIGNATURE_V1, IpnsSpecVectors.V1_V2_BROKEN_SIGNATURE_V2}) {
            assertArrayEquals(v.record(), IpnsRecord.decode(v.record()).encode(), v.name());
        }
    }

    @Test
    void readsTheSpecVectors() throws Exception {
        IpnsRecord v1v2 = IpnsRecord.decode(IpnsSpecVectors.V1_V2.record());
        assertEquals("/ipfs/bafkqaddwgevxmmraojswg33smq", new String(v1v2.value(), StandardCharsets.US_ASCII));
        assertTrue(v1v2.validity().isAfter(Instant.parse("2123-01-01T00:00:00Z")), v1v2.toString());
        assertTrue(v1v2.signatureV1().length > 0);

        IpnsRecord v2 = IpnsRecord.decode(IpnsSpecVectors.V2.record());
        assertEquals("/ipfs/bafkqadtwgiww63tmpeqhezldn5zgi", new String(v2.value(), StandardCharsets.US_ASCII));
        assertEquals(0, v2.signatureV1().length);
        assertFalse(IpnsEntry.parseFrom(IpnsSpecVectors.V2.record()).hasValue(), "a V2-only record");
    }

    @Test
    void refusesTheSpecVectorsWithV1OnlyOrMismatchedV1Fields() {
        InvalidRecordException v1 = assertThrows(InvalidRecordException.class,
                () -> IpnsRecord.decode(IpnsSpecVectors.V1.record()));
        assertTrue(v1.getMessage().contains("V1-only"), v1.getMessage());
        InvalidRecordException value = assertThrows(InvalidRecordException.class,
                () -> IpnsRecord.decode(IpnsSpecVectors.V1_V2_BROKEN_V1_VALUE.record()));
        assertTrue(value.getMessage().contains("value"), value.getMessage());
    }

    @Test
    void refusesRecordsOverTenKibibytes() throws Exception {
        byte[] big = new byte[IpnsRecord.MAX_SIZE + 1];
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> IpnsRecord.decode(big));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());

        // a validly signed record just over the limit is refused before it is parsed
        IpnsRecord record = IpnsRecord.create(TestKeys.ED25519, new byte[4000], 1, VALIDITY, TTL);
        byte[] padded = IpnsEntry.parseFrom(record.encode()).toBuilder()
                .setPubKey(ByteString.copyFrom(new byte[IpnsRecord.MAX_SIZE - record.encode().length + 1]))
                .build().toByteArray();
        assertEquals(IpnsRecord.MAX_SIZE + 4, padded.length);
        assertThrows(InvalidRecordException.class, () -> IpnsRecord.decode(padded));

        // and one cannot be made
        IllegalArgumentException made = assertThrows(IllegalArgumentException.class,
                () -> IpnsRecord.create(TestKeys.ED25519, new byte[6000], 1, VALIDITY, TTL));
        assertTrue(made.getMessage().contains("limit"), made.getMessage());
    }

    @Test
    void refusesMalformedRecords() throws Exception {
        IpnsEntry good = IpnsEntry.parseFrom(IpnsRecord.create(TestKeys.ED25519, VALUE, 3, VALIDITY, TTL).encode());
        byte[] otherData = DagCbor.writeIpnsData(VALUE, "2030-01-01T00:00:00Z".getBytes(StandardCharsets.US_ASCII),
                3, TTL.toNanos());
        refuses("not protobuf", HexFormat.of().parseHex("0a05"));
        refuses("no signatureV2", good.toBuilder().clearSignatureV2().build());
        refuses("empty signatureV2", good.toBuilder().setSignatureV2(ByteString.EMPTY).build());
        refuses("no data", good.toBuilder().clearData().build());
        refuses("data not CBOR", good.toBuilder().setData(ByteString.copyFromUtf8("not cbor")).build());
        refuses("V1 value differs", good.toBuilder().setValue(ByteString.copyFromUtf8("/ipfs/other")).build());
        refuses("V1 validity differs", good.toBuilder().setData(ByteString.copyFrom(otherData)).build());
        refuses("V1 sequence differs", good.toBuilder().setSequence(4).build());
        refuses("V1 ttl differs", good.toBuilder().setTtl(1).build());
        refuses("unknown validity type", withField(good.toByteArray(), 0x18, 1));
        refuses("malformed public key", good.toBuilder().setPubKey(ByteString.copyFromUtf8("no key")).build());
        refuses("validity type 1 in data", good.toBuilder().clearValue().clearSignatureV1()
                .setData(ByteString.copyFrom(replaceLast(good.getData().toByteArray(), (byte) 1))).build());
    }

    @Test
    void aRecordWithoutV1FieldsNeedsNoneOfThemToMatch() throws Exception {
        IpnsEntry good = IpnsEntry.parseFrom(IpnsRecord.create(TestKeys.ED25519, VALUE, 3, VALIDITY, TTL).encode());
        IpnsEntry v2only = IpnsEntry.newBuilder().setSignatureV2(good.getSignatureV2()).setData(good.getData()).build();
        IpnsRecord record = IpnsRecord.decode(v2only.toByteArray());
        assertEquals(3, record.sequence());
        assertArrayEquals(v2only.toByteArray(), record.encode());
    }

    @Test
    void constructorRefusesFieldsThatDifferFromData() {
        IpnsRecord r = IpnsRecord.create(TestKeys.ED25519, VALUE, 3, VALIDITY, TTL);
        assertThrows(IllegalArgumentException.class, () -> new IpnsRecord(VALUE, VALIDITY, 4, TTL, Optional.empty(),
                r.signatureV2(), r.data()));
        assertThrows(IllegalArgumentException.class, () -> new IpnsRecord(VALUE, VALIDITY, 3, TTL, Optional.empty(),
                r.signatureV2(), new byte[] {1}));
        assertEquals(3, new IpnsRecord(VALUE, VALIDITY, 3, TTL, Optional.empty(), r.signatureV2(), r.data())
                .sequence());
    }

    @Test
    void sequenceAndTtlUseAllSixtyFourBits() throws Exception {
        Duration longest = Duration.ofSeconds(Long.divideUnsigned(-1L, 1_000_000_000L),
                Long.remainderUnsigned(-1L, 1_000_000_000L));
        IpnsRecord r = IpnsRecord.create(TestKeys.ED25519, VALUE, -1L, VALIDITY, longest);
        IpnsRecord back = IpnsRecord.decode(r.encode());
        assertEquals(-1L, back.sequence(), "2^64-1");
        assertEquals(longest, back.ttl());
        assertEquals(-1L, IpnsEntry.parseFrom(r.encode()).getTtl(), "2^64-1 ns");
        assertThrows(IllegalArgumentException.class,
                () -> IpnsRecord.create(TestKeys.ED25519, VALUE, 1, VALIDITY, longest.plusNanos(1)));
        assertThrows(IllegalArgumentException.class,
                () -> IpnsRecord.create(TestKeys.ED25519, VALUE, 1, VALIDITY, Duration.ofNanos(-1)));
    }

    @Test
    void keysAreTheIpnsPrefixAndThePeerIdBytes() throws Exception {
        PeerId name = PeerId.fromPublicKey(TestKeys.ED25519.publicKey());
        byte[] key = IpnsRecord.keyFor(name);
        assertEquals("2f69706e732f" + HexFormat.of().formatHex(name.bytes()), HexFormat.of().formatHex(key));
        assertEquals(name, IpnsRecord.nameFromKey(key));
        assertThrows(InvalidRecordException.class, () -> IpnsRecord.nameFromKey("/ipns/".getBytes()));
        assertThrows(InvalidRecordException.class, () -> IpnsRecord.nameFromKey("/ipfs/x".getBytes()));
        assertThrows(InvalidRecordException.class,
                () -> IpnsRecord.nameFromKey(concat("/ipns/".getBytes(), new byte[] {0x12, 0x03, 1, 2, 3})));
    }

    private static void refuses(String what, IpnsEntry entry) {
        refuses(what, entry.toByteArray());
    }

    private static void refuses(String what, byte[] bytes) {
        assertThrows(InvalidRecordException.class, () -> IpnsRecord.decode(bytes), what);
    }

    /** {@code bytes} with a varint field (tag byte {@code tag}, value {@code value} below 128) appended. */
    private static byte[] withField(byte[] bytes, int tag, int value) {
        byte[] out = Arrays.copyOf(bytes, bytes.length + 2);
        out[bytes.length] = (byte) tag;
        out[bytes.length + 1] = (byte) value;
        return out;
    }

    private static byte[] replaceLast(byte[] bytes, byte last) {
        byte[] out = bytes.clone();
        out[out.length - 1] = last;
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
