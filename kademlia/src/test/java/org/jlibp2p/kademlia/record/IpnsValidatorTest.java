package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.ipns.IpnsProtos.IpnsEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IpnsValidatorTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final byte[] VALUE = "/ipfs/bafkqaddwgevxmmraojswg33smq".getBytes(StandardCharsets.US_ASCII);
    private static final Duration TTL = Duration.ofMinutes(5);
    private final IpnsValidator validator = new IpnsValidator();

    @Test
    void acceptsTheValidSpecVectorsAndRefusesTheOthers() throws Exception {
        valid(IpnsSpecVectors.V1_V2);
        valid(IpnsSpecVectors.V1_V2_BROKEN_SIGNATURE_V1);
        valid(IpnsSpecVectors.V2);
        invalid(IpnsSpecVectors.V1, "signatureV2");
        invalid(IpnsSpecVectors.V1_V2_BROKEN_V1_VALUE, "value");
        invalid(IpnsSpecVectors.V1_V2_BROKEN_SIGNATURE_V2, "does not verify");
    }

    @Test
    void theSpecVectorsExpireWhenTheirValiditySays() throws Exception {
        IpnsSpecVectors.Vector v = IpnsSpecVectors.V2;
        byte[] key = IpnsRecord.keyFor(PeerId.parse(v.name()));
        Instant validity = IpnsRecord.decode(v.record()).validity();
        validator.validate(key, v.record(), validity);
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> validator.validate(key, v.record(), validity.plusNanos(1)));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void acceptsRecordsOfEveryKeyType() throws Exception {
        for (PrivateKey key : TestKeys.ALL) {
            byte[] record = IpnsRecord.create(key, VALUE, 1, NOW.plus(Duration.ofHours(1)), TTL).encode();
            assertDoesNotThrow(() -> validator.validate(keyOf(key), record, NOW), key.type().toString());
        }
    }

    @Test
    void refusesExpiredRecordsAndAcceptsFarFutureOnes() throws Exception {
        PrivateKey key = TestKeys.ED25519;
        byte[] expired = IpnsRecord.create(key, VALUE, 1, NOW.minusSeconds(1), TTL).encode();
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> validator.validate(keyOf(key), expired, NOW));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        byte[] future = IpnsRecord.create(key, VALUE, 1, Instant.parse("9999-12-31T23:59:59.999999999Z"), TTL)
                .encode();
        validator.validate(keyOf(key), future, NOW);
        byte[] lastMoment = IpnsRecord.create(key, VALUE, 1, NOW, TTL).encode();
        validator.validate(keyOf(key), lastMoment, NOW);
    }

    @Test
    void refusesATamperedSignatureOrData() throws Exception {
        PrivateKey key = TestKeys.ED25519;
        IpnsEntry entry = IpnsEntry.parseFrom(IpnsRecord.create(key, VALUE, 1, NOW.plusSeconds(60), TTL).encode());
        byte[] signature = entry.getSignatureV2().toByteArray();
        signature[5] ^= 1;
        byte[] badSignature = entry.toBuilder().setSignatureV2(ByteString.copyFrom(signature)).build().toByteArray();
        assertRefused(keyOf(key), badSignature, "does not verify");

        // a data document signed by nobody: a higher sequence, the V1 copies changed to match
        IpnsRecord other = IpnsRecord.create(TestKeys.OTHER_ED25519, VALUE, 9, NOW.plusSeconds(60), TTL);
        byte[] swapped = entry.toBuilder().setData(ByteString.copyFrom(other.data())).setSequence(9).build()
                .toByteArray();
        assertRefused(keyOf(key), swapped, "does not verify");
    }

    @Test
    void refusesARecordSignedByAnotherKey() throws Exception {
        byte[] record = IpnsRecord.create(TestKeys.OTHER_ED25519, VALUE, 1, NOW.plusSeconds(60), TTL).encode();
        assertRefused(keyOf(TestKeys.ED25519), record, "does not verify");
        byte[] rsa = IpnsRecord.create(TestKeys.OTHER_RSA, VALUE, 1, NOW.plusSeconds(60), TTL).encode();
        assertRefused(keyOf(TestKeys.RSA), rsa, "carries the key of");
    }

    @Test
    void refusesAnEmbeddedKeyThatIsNotTheNames() throws Exception {
        // signed by the name's own key, but carrying another key
        IpnsEntry entry = IpnsEntry.parseFrom(
                IpnsRecord.create(TestKeys.ED25519, VALUE, 1, NOW.plusSeconds(60), TTL).encode());
        byte[] record = entry.toBuilder().setPubKey(ByteString.copyFrom(TestKeys.OTHER_ED25519.publicKey().marshal()))
                .build().toByteArray();
        assertRefused(keyOf(TestKeys.ED25519), record, "carries the key of");
    }

    @Test
    void aHashedNameWhoseRecordCarriesNoKeyNeedsAKnownKey() throws Exception {
        IpnsEntry entry = IpnsEntry.parseFrom(
                IpnsRecord.create(TestKeys.RSA, VALUE, 1, NOW.plusSeconds(60), TTL).encode());
        byte[] record = entry.toBuilder().clearPubKey().build().toByteArray();
        assertRefused(keyOf(TestKeys.RSA), record, "carries no public key");

        // unless the node knows the name's key, as go's validator asks its key book
        PeerId name = PeerId.fromPublicKey(TestKeys.RSA.publicKey());
        new IpnsValidator(peer -> peer.equals(name) ? Optional.of(TestKeys.RSA.publicKey()) : Optional.empty())
                .validate(keyOf(TestKeys.RSA), record, NOW);
        // and a key it knows that is not the name's is no use
        IpnsValidator confused = new IpnsValidator(peer -> Optional.of(TestKeys.OTHER_RSA.publicKey()));
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> confused.validate(keyOf(TestKeys.RSA), record, NOW));
        assertTrue(e.getMessage().contains("carries no public key"), e.getMessage());
    }

    @Test
    void refusesKeysThatAreNotIpnsNames() throws Exception {
        byte[] record = IpnsRecord.create(TestKeys.ED25519, VALUE, 1, NOW.plusSeconds(60), TTL).encode();
        PeerId name = PeerId.fromPublicKey(TestKeys.ED25519.publicKey());
        assertRefused("/pk/".getBytes(StandardCharsets.US_ASCII), record, "not an IPNS key");
        assertRefused(IpnsRecordTest.concat("//".getBytes(StandardCharsets.US_ASCII), name.bytes()), record,
                "not an IPNS key");
        assertRefused(IpnsRecordTest.concat("/wrong/".getBytes(StandardCharsets.US_ASCII), name.bytes()), record,
                "not an IPNS key");
        assertRefused("/ipns/bad key".getBytes(StandardCharsets.US_ASCII), record, "peer id");
    }

    @Test
    void selectsTheHighestSequenceThenTheLatestValidity() throws Exception {
        PrivateKey key = TestKeys.ED25519;
        Instant t = NOW.plus(Duration.ofHours(1));
        byte[] r1 = IpnsRecord.create(key, VALUE, 1, t, TTL).encode();
        byte[] r2 = IpnsRecord.create(key, VALUE, 2, t, TTL).encode();
        byte[] r3 = IpnsRecord.create(key, VALUE, 3, t, TTL).encode();
        byte[] r4 = IpnsRecord.create(key, VALUE, 3, t.plus(Duration.ofHours(1)), TTL).encode();
        byte[] r5 = IpnsRecord.create(key, VALUE, 4, t.plus(Duration.ofHours(2)), TTL).encode();
        assertBest(r1, r1);
        assertBest(r2, r1, r2);
        assertBest(r3, r1, r2, r3);
        assertBest(r4, r1, r2, r3, r4);
        assertBest(r5, r1, r2, r3, r4, r5);
        assertBest(r5, r5, r4, r3, r2, r1);
        // a sequence is unsigned: 2^64-1 beats 1
        byte[] top = IpnsRecord.create(key, VALUE, -1L, t, TTL).encode();
        assertBest(top, r1, top, r5);
    }

    @Test
    void breaksTiesTheSameWayWhateverTheOrder() throws Exception {
        Instant t = NOW.plus(Duration.ofHours(1));
        byte[] a = IpnsRecord.create(TestKeys.ED25519, "/ipfs/a".getBytes(StandardCharsets.US_ASCII), 5, t, TTL)
                .encode();
        byte[] b = IpnsRecord.create(TestKeys.ED25519, "/ipfs/b".getBytes(StandardCharsets.US_ASCII), 5, t, TTL)
                .encode();
        byte[] greater = Arrays.compareUnsigned(a, b) > 0 ? a : b;
        assertBest(greater, a, b);
        assertBest(greater, b, a);
        assertEquals(0, validator.select(keyOf(TestKeys.ED25519), List.of(a, a.clone()), NOW));
    }

    @Test
    void selectRefusesUnreadableValuesAndEmptyLists() throws Exception {
        byte[] key = keyOf(TestKeys.ED25519);
        byte[] r = IpnsRecord.create(TestKeys.ED25519, VALUE, 1, NOW.plusSeconds(60), TTL).encode();
        assertThrows(InvalidRecordException.class, () -> validator.select(key, List.of(r, new byte[] {1}), NOW));
        assertThrows(IllegalArgumentException.class, () -> validator.select(key, List.of(), NOW));
    }

    private void assertBest(byte[] expected, byte[]... values) throws InvalidRecordException {
        List<byte[]> list = new ArrayList<>(List.of(values));
        int best = validator.select(keyOf(TestKeys.ED25519), list, NOW);
        assertTrue(Arrays.equals(expected, list.get(best)), "selected " + best);
    }

    private void valid(IpnsSpecVectors.Vector v) throws Exception {
        validator.validate(IpnsRecord.keyFor(PeerId.parse(v.name())), v.record(), NOW);
    }

    private void invalid(IpnsSpecVectors.Vector v, String why) throws Exception {
        assertRefused(IpnsRecord.keyFor(PeerId.parse(v.name())), v.record(), why);
    }

    private void assertRefused(byte[] key, byte[] value, String why) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> validator.validate(key, value, NOW));
        assertTrue(e.getMessage().contains(why), "expected \"" + why + "\" in: " + e.getMessage());
    }

    private static byte[] keyOf(PrivateKey key) {
        return IpnsRecord.keyFor(PeerId.fromPublicKey(key.publicKey()));
    }
}
