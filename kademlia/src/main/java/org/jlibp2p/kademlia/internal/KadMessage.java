package org.jlibp2p.kademlia.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.kademlia.PeerInfo;

/**
 * One Kademlia RPC message, request or response (libp2p/specs kad-dht): its type, the key it is about, a record
 * (PUT_VALUE, GET_VALUE), closer peers (responses) and provider peers (ADD_PROVIDER, GET_PROVIDERS).
 */
public record KadMessage(Type type, byte[] key, Optional<Record> record, List<PeerInfo> closerPeers,
        List<PeerInfo> providerPeers) {
    /** Message types with their numbers on the wire. */
    public enum Type {
        PUT_VALUE(0), GET_VALUE(1), ADD_PROVIDER(2), GET_PROVIDERS(3), FIND_NODE(4), PING(5);

        final int number;

        Type(int number) {
            this.number = number;
        }
    }

    /** A record: its key, its value, and (set by a node that stored it) when it was received, RFC 3339. */
    public record Record(byte[] key, byte[] value, String timeReceived) {
        public Record {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(timeReceived, "timeReceived");
        }
    }

    public KadMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(record, "record");
        closerPeers = List.copyOf(closerPeers);
        providerPeers = List.copyOf(providerPeers);
    }

    /** A request of {@code type} about {@code key}, with nothing else. */
    public static KadMessage request(Type type, byte[] key) {
        return new KadMessage(type, key, Optional.empty(), List.of(), List.of());
    }
}
