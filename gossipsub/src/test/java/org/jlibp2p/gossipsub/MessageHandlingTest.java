package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MessageHandlingTest {
    private static final byte[] DATA = "hello".getBytes(StandardCharsets.UTF_8);

    @Test
    void strictSignSignsOverThePrefixedUnsignedMessageAndVerifies() {
        KeyPair k = Keys.generateEd25519();
        PeerId me = PeerId.fromPublicKey(k.publicKey());
        Message m = MessageSigning.author(SignaturePolicy.STRICT_SIGN, k.privateKey(), me, "t", DATA, 42);
        assertEquals(Optional.of(me), m.from());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 42}, m.seqno().get());
        assertTrue(m.key().isEmpty(), "an Ed25519 peer id inlines its key");
        byte[] signed = MessageSigning.signedBytes(m);
        assertTrue(new String(signed, 0, 14, StandardCharsets.US_ASCII).equals("libp2p-pubsub:"));
        assertTrue(k.publicKey().verify(signed, m.signature().get()));
        assertEquals(Optional.empty(), MessageSigning.check(SignaturePolicy.STRICT_SIGN, m));

        Message tampered = new Message("t", "hellO".getBytes(StandardCharsets.UTF_8), m.from(), m.seqno(),
                m.signature(), m.key());
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, tampered).isPresent());
        Message otherAuthor = new Message("t", DATA, Optional.of(PeerId.fromPublicKey(Keys.generateEd25519().publicKey())),
                m.seqno(), m.signature(), m.key());
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, otherAuthor).isPresent());
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, m.unsigned()).isPresent(), "unsigned refused");
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_NO_SIGN, m).isPresent(), "a signature refused");
        assertTrue(MessageSigning.check(SignaturePolicy.ANONYMOUS, m).isPresent());
    }

    @Test
    void aKeyTooLongToInlineTravelsInTheKeyField() {
        KeyPair k = Keys.generateSecp256k1();
        // secp256k1 keys inline; RSA keys do not
        KeyPair rsa = Keys.generateRsa(2048);
        PeerId rsaId = PeerId.fromPublicKey(rsa.publicKey());
        Message m = MessageSigning.author(SignaturePolicy.STRICT_SIGN, rsa.privateKey(), rsaId, "t", DATA, 1);
        assertArrayEquals(rsa.publicKey().marshal(), m.key().get());
        assertEquals(Optional.empty(), MessageSigning.check(SignaturePolicy.STRICT_SIGN, m));
        Message noKey = new Message("t", DATA, m.from(), m.seqno(), m.signature(), Optional.empty());
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, noKey).isPresent());
        Message wrongKey = new Message("t", DATA, m.from(), m.seqno(), m.signature(), Optional.of(k.publicKey().marshal()));
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, wrongKey).isPresent());
    }

    @Test
    void noSignAndAnonymousPolicies() {
        KeyPair k = Keys.generateEd25519();
        PeerId me = PeerId.fromPublicKey(k.publicKey());
        Message unsigned = MessageSigning.author(SignaturePolicy.STRICT_NO_SIGN, k.privateKey(), me, "t", DATA, 7);
        assertTrue(unsigned.from().isPresent() && unsigned.seqno().isPresent() && unsigned.signature().isEmpty());
        assertEquals(Optional.empty(), MessageSigning.check(SignaturePolicy.STRICT_NO_SIGN, unsigned));
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, unsigned).isPresent());

        Message anon = MessageSigning.author(SignaturePolicy.ANONYMOUS, k.privateKey(), me, "t", DATA, 7);
        assertTrue(anon.from().isEmpty() && anon.seqno().isEmpty() && anon.signature().isEmpty() && anon.key().isEmpty());
        assertEquals(Optional.empty(), MessageSigning.check(SignaturePolicy.ANONYMOUS, anon));
        assertTrue(MessageSigning.check(SignaturePolicy.ANONYMOUS, unsigned).isPresent());
        assertEquals(MessageIdFunction.CONTENT_HASH,
                GossipsubConfig.builder().signaturePolicy(SignaturePolicy.ANONYMOUS).build().idFunction());
    }

    @Test
    void messageIdsFromAuthorAndSeqnoOrContent() {
        KeyPair k = Keys.generateEd25519();
        PeerId me = PeerId.fromPublicKey(k.publicKey());
        Message a = MessageSigning.author(SignaturePolicy.STRICT_SIGN, k.privateKey(), me, "t", DATA, 1);
        Message b = MessageSigning.author(SignaturePolicy.STRICT_SIGN, k.privateKey(), me, "t", DATA, 2);
        byte[] expected = new byte[me.bytes().length + 8];
        System.arraycopy(me.bytes(), 0, expected, 0, me.bytes().length);
        expected[expected.length - 1] = 1;
        assertArrayEquals(expected, MessageIdFunction.FROM_AND_SEQNO.apply(a).bytes());
        assertNotEquals(MessageIdFunction.FROM_AND_SEQNO.apply(a), MessageIdFunction.FROM_AND_SEQNO.apply(b));
        assertEquals(MessageIdFunction.CONTENT_HASH.apply(a), MessageIdFunction.CONTENT_HASH.apply(b));
        assertNotEquals(MessageIdFunction.CONTENT_HASH.apply(a),
                MessageIdFunction.CONTENT_HASH.apply(Message.anonymous("u", DATA)), "the topic is part of it");
    }

    @Test
    void theSeenCacheForgetsAfterItsTtlAndStaysBounded() {
        SeenCache seen = new SeenCache(Duration.ofSeconds(120), 3);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        MessageId a = MessageId.of(new byte[] {1});
        assertTrue(seen.add(a, t0));
        assertFalse(seen.add(a, t0.plusSeconds(119)));
        assertTrue(seen.contains(a, t0.plusSeconds(119)));
        assertFalse(seen.contains(a, t0.plusSeconds(120)));
        assertTrue(seen.add(a, t0.plusSeconds(121)), "seen again after the TTL");
        for (int i = 2; i < 10; i++) {
            seen.add(MessageId.of(new byte[] {(byte) i}), t0.plusSeconds(121));
        }
        assertEquals(3, seen.size());
    }

    @Test
    void subscriptionFilters() {
        assertTrue(SubscriptionFilter.ALL.allows("x"));
        SubscriptionFilter allow = SubscriptionFilter.allowlist(Set.of("a", "b"));
        assertTrue(allow.allows("a"));
        assertFalse(allow.allows("c"));
        SubscriptionFilter re = SubscriptionFilter.matching(Pattern.compile("eth2/[0-9a-f]+/beacon_block"));
        assertTrue(re.allows("eth2/abcd/beacon_block"));
        assertFalse(re.allows("eth2/abcd/beacon_block/x"));
    }

    @Test
    void verdictsCombineStrictestFirst() {
        assertEquals(ValidationResult.REJECT, ValidationResult.ACCEPT.and(ValidationResult.REJECT));
        assertEquals(ValidationResult.IGNORE, ValidationResult.IGNORE.and(ValidationResult.ACCEPT));
        assertEquals(ValidationResult.REJECT, ValidationResult.REJECT.and(ValidationResult.IGNORE));
    }
}
