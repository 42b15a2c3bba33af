package org.jlibp2p.gossipsub;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** How a message's id is computed: every node of a topic must use the same function. */
@FunctionalInterface
public interface MessageIdFunction {
    MessageId apply(Message message);

    /** The spec's default: the author's peer id bytes followed by the sequence number bytes. */
    MessageIdFunction FROM_AND_SEQNO = m -> {
        byte[] from = m.from().map(p -> p.bytes()).orElse(new byte[0]);
        byte[] seqno = m.seqno().orElse(new byte[0]);
        byte[] id = new byte[from.length + seqno.length];
        System.arraycopy(from, 0, id, 0, from.length);
        System.arraycopy(seqno, 0, id, from.length, seqno.length);
        return MessageId.wrap(id.length == 0 ? new byte[] {0} : id);
    };

    /** SHA-256 of the topic's length-prefixed name and the data: one id per content, whoever sends it. */
    MessageIdFunction CONTENT_HASH = m -> {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] topic = m.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            sha.update(new byte[] {(byte) (topic.length >>> 24), (byte) (topic.length >>> 16),
                (byte) (topic.length >>> 8), (byte) topic.length});
            sha.update(topic);
            sha.update(m.data());
            return MessageId.wrap(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    };
}
