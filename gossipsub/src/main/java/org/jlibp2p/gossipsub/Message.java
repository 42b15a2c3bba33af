package org.jlibp2p.gossipsub;

import java.util.Optional;
import org.jlibp2p.core.peer.PeerId;

/**
 * A pubsub message as it travels: its topic and data, and, as the signing policy asks, its author, sequence number
 * (bytes, 8 big-endian for the messages this node makes), signature and the author's public key (marshalled, when the
 * peer id does not inline it). Arrays are not copied: treat them as read-only.
 */
public record Message(String topic, byte[] data, Optional<PeerId> from, Optional<byte[]> seqno,
        Optional<byte[]> signature, Optional<byte[]> key) {
    public Message {
        if (topic == null || data == null || from == null || seqno == null || signature == null || key == null) {
            throw new NullPointerException("a message's fields may be empty, not null");
        }
    }

    /** A message with only a topic and data (as the anonymous policy sends). */
    public static Message anonymous(String topic, byte[] data) {
        return new Message(topic, data, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** This message without its signature and key (what the signature covers, with the rest). */
    Message unsigned() {
        return new Message(topic, data, from, seqno, Optional.empty(), Optional.empty());
    }

    /** Its size on the wire, about. */
    int size() {
        return data.length + topic.length() + seqno.map(s -> s.length).orElse(0)
                + signature.map(s -> s.length).orElse(0) + key.map(k -> k.length).orElse(0) + 48;
    }
}
