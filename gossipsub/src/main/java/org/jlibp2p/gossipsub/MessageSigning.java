package org.jlibp2p.gossipsub;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.peer.PeerId;

/** Signing and checking messages under a {@link SignaturePolicy}. */
final class MessageSigning {
    static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

    private MessageSigning() {}

    /** The bytes a signature covers: the prefix and the message marshalled without signature and key. */
    static byte[] signedBytes(Message m) {
        byte[] body = RpcCodec.encodeUnsigned(m);
        byte[] out = new byte[PREFIX.length + body.length];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(body, 0, out, PREFIX.length, body.length);
        return out;
    }

    /** A new message of this node under {@code policy}. */
    static Message author(SignaturePolicy policy, PrivateKey key, PeerId self, String topic, byte[] data, long seq) {
        if (policy == SignaturePolicy.ANONYMOUS) {
            return Message.anonymous(topic, data);
        }
        byte[] seqno = new byte[8];
        for (int i = 0; i < 8; i++) {
            seqno[i] = (byte) (seq >>> (56 - 8 * i));
        }
        Message m = new Message(topic, data, Optional.of(self), Optional.of(seqno), Optional.empty(),
                Optional.empty());
        if (policy != SignaturePolicy.STRICT_SIGN) {
            return m;
        }
        byte[] signature = key.sign(signedBytes(m));
        Optional<byte[]> inlined = self.extractPublicKey().isPresent() ? Optional.empty()
                : Optional.of(key.publicKey().marshal());
        return new Message(topic, data, m.from(), m.seqno(), Optional.of(signature), inlined);
    }

    /** Why {@code m} breaks {@code policy}, or empty when it complies (for STRICT_SIGN: its signature verifies). */
    static Optional<String> check(SignaturePolicy policy, Message m) {
        switch (policy) {
            case ANONYMOUS -> {
                if (m.from().isPresent() || m.seqno().isPresent() || m.signature().isPresent()
                        || m.key().isPresent()) {
                    return Optional.of("an anonymous topic's message carries an author, seqno, signature or key");
                }
                return Optional.empty();
            }
            case STRICT_NO_SIGN -> {
                if (m.signature().isPresent() || m.key().isPresent()) {
                    return Optional.of("an unsigned topic's message carries a signature or key");
                }
                return Optional.empty();
            }
            default -> {
                return verify(m);
            }
        }
    }

    private static Optional<String> verify(Message m) {
        if (m.from().isEmpty() || m.seqno().isEmpty() || m.signature().isEmpty()) {
            return Optional.of("a message without author, seqno or signature");
        }
        PeerId author = m.from().get();
        PublicKey key;
        Optional<PublicKey> inlined = author.extractPublicKey();
        if (inlined.isPresent()) {
            key = inlined.get();
            if (m.key().isPresent()) {
                try {
                    if (!Keys.unmarshalPublicKey(m.key().get()).equals(key)) {
                        return Optional.of("the message's key is not its author's");
                    }
                } catch (KeyFormatException e) {
                    return Optional.of("the message's key is malformed");
                }
            }
        } else {
            if (m.key().isEmpty()) {
                return Optional.of("a message whose author's key is neither inlined nor attached");
            }
            try {
                key = Keys.unmarshalPublicKey(m.key().get());
            } catch (KeyFormatException e) {
                return Optional.of("the message's key is malformed");
            }
            if (!author.matches(key)) {
                return Optional.of("the message's key is not its author's");
            }
        }
        if (!key.verify(signedBytes(m), m.signature().get())) {
            return Optional.of("the message's signature does not verify");
        }
        return Optional.empty();
    }
}
