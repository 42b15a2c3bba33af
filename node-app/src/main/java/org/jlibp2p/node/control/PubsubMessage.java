package org.jlibp2p.node.control;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.peer.PeerId;

/**
 * A pubsub message as the daemon streams it to a client after PUBSUB SUBSCRIBE ({@code PSMessage}): its author,
 * data, sequence number, topics, signature and key, as they travelled (author, seqno, signature and key are absent
 * under the policies that leave them out).
 */
public record PubsubMessage(Optional<PeerId> from, byte[] data, Optional<byte[]> seqno, List<String> topics,
        Optional<byte[]> signature, Optional<byte[]> key) {
    public PubsubMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(seqno, "seqno");
        topics = List.copyOf(topics);
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(key, "key");
    }
}
