package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PublicKeyValidatorTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private final PublicKeyValidator validator = new PublicKeyValidator();

    @Test
    void acceptsTheKeyOfThePeerTheKeyNames() throws Exception {
        for (PrivateKey key : TestKeys.ALL) {
            PeerId peer = PeerId.fromPublicKey(key.publicKey());
            validator.validate(PublicKeyValidator.keyFor(peer), key.publicKey().marshal(), NOW);
        }
    }

    @Test
    void keysAreThePkPrefixAndThePeerIdBytes() {
        PeerId peer = PeerId.fromPublicKey(TestKeys.RSA.publicKey());
        assertEquals("2f706b2f" + HexFormat.of().formatHex(peer.bytes()),
                HexFormat.of().formatHex(PublicKeyValidator.keyFor(peer)));
    }

    @Test
    void refusesAnotherPeersKey() {
        PeerId peer = PeerId.fromPublicKey(TestKeys.RSA.publicKey());
        refused(PublicKeyValidator.keyFor(peer), TestKeys.OTHER_RSA.publicKey().marshal(), "not of the peer");
        refused(PublicKeyValidator.keyFor(peer), TestKeys.ED25519.publicKey().marshal(), "not of the peer");
        // the right key's bytes hashed with another function do not name it
        byte[] sha512 = Multihash.sha512(TestKeys.RSA.publicKey().marshal()).bytes();
        refused(IpnsRecordTest.concat("/pk/".getBytes(StandardCharsets.US_ASCII), sha512),
                TestKeys.RSA.publicKey().marshal(), "not of the peer");
    }

    @Test
    void refusesMalformedKeysAndValues() {
        byte[] good = PublicKeyValidator.keyFor(PeerId.fromPublicKey(TestKeys.RSA.publicKey()));
        byte[] value = TestKeys.RSA.publicKey().marshal();
        refused(good, new byte[] {8, 0, 18, 3, 1, 2, 3}, "no valid public key");
        refused(good, new byte[0], "no valid public key");
        refused("/pk/".getBytes(StandardCharsets.US_ASCII), value, "not a public key record key");
        refused("/ipns/x".getBytes(StandardCharsets.US_ASCII), value, "not a public key record key");
        refused("/pk/not a multihash".getBytes(StandardCharsets.US_ASCII), value, "multihash");
    }

    @Test
    void selectsTheFirst() {
        byte[] value = TestKeys.RSA.publicKey().marshal();
        byte[] key = PublicKeyValidator.keyFor(PeerId.fromPublicKey(TestKeys.RSA.publicKey()));
        assertEquals(0, validator.select(key, List.of(value, value.clone()), NOW));
        assertThrows(IllegalArgumentException.class, () -> validator.select(key, List.of(), NOW));
    }

    private void refused(byte[] key, byte[] value, String why) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> validator.validate(key, value, NOW));
        assertTrue(e.getMessage().contains(why), "expected \"" + why + "\" in: " + e.getMessage());
    }
}
