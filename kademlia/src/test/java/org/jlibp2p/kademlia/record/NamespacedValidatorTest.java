package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class NamespacedValidatorTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void defaultsValidatePublicKeysAndIpnsRecords() throws Exception {
        NamespacedValidator v = NamespacedValidator.defaults();
        assertEquals(Set.of("pk", "ipns"), v.namespaces());
        PeerId peer = PeerId.fromPublicKey(TestKeys.RSA.publicKey());
        v.validate(PublicKeyValidator.keyFor(peer), TestKeys.RSA.publicKey().marshal(), NOW);
        byte[] ipns = IpnsRecord.create(TestKeys.RSA, "/ipfs/x".getBytes(StandardCharsets.US_ASCII), 1,
                NOW.plusSeconds(1), Duration.ZERO).encode();
        v.validate(IpnsRecord.keyFor(peer), ipns, NOW);
        // each namespace's own rules apply: an IPNS record is no public key, and the reverse
        assertThrows(InvalidRecordException.class, () -> v.validate(PublicKeyValidator.keyFor(peer), ipns, NOW));
        assertThrows(InvalidRecordException.class,
                () -> v.validate(IpnsRecord.keyFor(peer), TestKeys.RSA.publicKey().marshal(), NOW));
    }

    @Test
    void selectsWithTheNamespacesValidator() throws Exception {
        PeerId peer = PeerId.fromPublicKey(TestKeys.ED25519.publicKey());
        byte[] older = IpnsRecord.create(TestKeys.ED25519, "/ipfs/x".getBytes(StandardCharsets.US_ASCII), 1,
                NOW.plusSeconds(1), Duration.ZERO).encode();
        byte[] newer = IpnsRecord.create(TestKeys.ED25519, "/ipfs/x".getBytes(StandardCharsets.US_ASCII), 2,
                NOW.plusSeconds(1), Duration.ZERO).encode();
        assertEquals(1, NamespacedValidator.defaults().select(IpnsRecord.keyFor(peer), List.of(older, newer), NOW));
    }

    @Test
    void refusesKeysWithoutAKnownNamespace() {
        NamespacedValidator v = NamespacedValidator.defaults();
        for (String key : List.of("", "pk/abc", "/", "//abc", "/pk", "/other/abc", "/PK/abc")) {
            InvalidRecordException e = assertThrows(InvalidRecordException.class,
                    () -> v.validate(key.getBytes(StandardCharsets.UTF_8), new byte[] {1}, NOW), key);
            assertTrue(e.getMessage().contains("namespace"), e.getMessage());
        }
        assertThrows(InvalidRecordException.class,
                () -> NamespacedValidator.empty().validate("/pk/x".getBytes(StandardCharsets.UTF_8), new byte[0], NOW));
    }

    @Test
    void withAddsANamespaceToACopy() throws Exception {
        List<String> seen = new ArrayList<>();
        Validator any = new Validator() {
            @Override
            public void validate(byte[] key, byte[] value, Instant now) {
                seen.add(new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public int select(byte[] key, List<byte[]> values, Instant now) {
                return values.size() - 1;
            }
        };
        NamespacedValidator defaults = NamespacedValidator.defaults();
        NamespacedValidator more = defaults.with("app", any);
        assertEquals(Set.of("pk", "ipns"), defaults.namespaces(), "the original is unchanged");
        assertEquals(Set.of("pk", "ipns", "app"), more.namespaces());
        more.validate("/app/thing".getBytes(StandardCharsets.UTF_8), new byte[0], NOW);
        assertEquals(List.of("/app/thing"), seen);
        assertEquals(2, more.select("/app/thing".getBytes(StandardCharsets.UTF_8),
                List.of(new byte[0], new byte[0], new byte[0]), NOW));
        assertThrows(InvalidRecordException.class,
                () -> defaults.validate("/app/thing".getBytes(StandardCharsets.UTF_8), new byte[0], NOW));
        assertThrows(IllegalArgumentException.class, () -> defaults.with("a/b", any));
        assertThrows(IllegalArgumentException.class, () -> defaults.with("", any));
        assertThrows(UnsupportedOperationException.class, () -> more.namespaces().add("x"));
    }
}
