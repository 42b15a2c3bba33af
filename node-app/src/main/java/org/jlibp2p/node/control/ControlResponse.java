package org.jlibp2p.node.control;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * The daemon's answer to one request. Every kind but {@link Error} is an OK response on the wire; they differ in
 * what it carries, which depends on the request answered.
 */
public sealed interface ControlResponse {
    /**
     * The RESOURCES answer: usage per scope (system and transient first, with their limits), and refusals per
     * reason, sorted by reason.
     */
    record Resources(List<ScopeUsage> scopes, java.util.Map<String, Long> refusals) implements ControlResponse {
        public Resources {
            scopes = List.copyOf(scopes);
            refusals = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(refusals));
        }
    }

    /**
     * The REACHABILITY answer: {@code reachability} is PUBLIC, PRIVATE or UNKNOWN; {@code reachableAddr} the address
     * AutoNAT servers reached, when PUBLIC.
     */
    record Reachability(String reachability, Optional<Multiaddr> reachableAddr, List<Multiaddr> listenAddrs,
            List<Multiaddr> externalAddrs, boolean autonatServer) implements ControlResponse {
        public Reachability {
            listenAddrs = List.copyOf(listenAddrs);
            externalAddrs = List.copyOf(externalAddrs);
        }
    }

    /** What one scope holds; {@code limit} is present for the system and transient scopes. */
    record ScopeUsage(String scope, long connsInbound, long connsOutbound, long streamsInbound, long streamsOutbound,
            long memory, long fd, java.util.Optional<ScopeUsage> limit) {}

    /** OK with nothing more: CONNECT, DISCONNECT, STREAM_HANDLER, CONNMANAGER. */
    record Ok() implements ControlResponse {}

    /** OK to IDENTIFY: the daemon's peer id and listen addresses. */
    record Identity(PeerId peer, List<Multiaddr> addrs) implements ControlResponse {
        public Identity {
            Objects.requireNonNull(peer, "peer");
            addrs = List.copyOf(addrs);
        }
    }

    /** OK to LIST_PEERS: one entry per open connection. */
    record Peers(List<PeerInfo> peers) implements ControlResponse {
        public Peers {
            peers = List.copyOf(peers);
        }
    }

    /** OK to STREAM_OPEN: the stream that now runs over the control connection. */
    record StreamOpened(StreamInfo stream) implements ControlResponse {
        public StreamOpened {
            Objects.requireNonNull(stream, "stream");
        }
    }

    /** OK to PEERSTORE GET_PROTOCOLS. */
    record Protocols(List<String> protocols) implements ControlResponse {
        public Protocols {
            protocols = List.copyOf(protocols);
        }
    }

    /** OK to PEERSTORE GET_PEER_INFO. */
    record Peer(PeerInfo peer) implements ControlResponse {
        public Peer {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** OK to PUBSUB GET_TOPICS. */
    record PubsubTopics(List<String> topics) implements ControlResponse {
        public PubsubTopics {
            topics = List.copyOf(topics);
        }
    }

    /** OK to PUBSUB LIST_PEERS. */
    record PubsubPeers(List<PeerId> peers) implements ControlResponse {
        public PubsubPeers {
            peers = List.copyOf(peers);
        }
    }

    // ---------------------------------------------------------------- DHT

    /**
     * OK carrying a DHT answer: one VALUE (FIND_PEER, GET_VALUE, GET_PUBLIC_KEY), or the BEGIN of a stream of bare
     * {@link DhtMessage}s that ends with an END (FIND_PROVIDERS, GET_CLOSEST_PEERS, SEARCH_VALUE).
     */
    record Dht(DhtMessage message) implements ControlResponse {
        public Dht {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * One {@code DHTResponse}: BEGIN, END, or a VALUE carrying a peer (FIND_PEER, FIND_PROVIDERS) or bytes (a
     * record's value, a marshalled public key, a peer id's bytes for GET_CLOSEST_PEERS).
     */
    record DhtMessage(Kind kind, Optional<PeerInfo> peer, Optional<byte[]> value) {
        /** The message's type on the wire. */
        public enum Kind { BEGIN, VALUE, END }

        public DhtMessage {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(peer, "peer");
            value = value.map(byte[]::clone);
        }

        public static DhtMessage begin() {
            return new DhtMessage(Kind.BEGIN, Optional.empty(), Optional.empty());
        }

        public static DhtMessage end() {
            return new DhtMessage(Kind.END, Optional.empty(), Optional.empty());
        }

        public static DhtMessage of(PeerInfo peer) {
            return new DhtMessage(Kind.VALUE, Optional.of(peer), Optional.empty());
        }

        public static DhtMessage of(byte[] value) {
            return new DhtMessage(Kind.VALUE, Optional.empty(), Optional.of(value));
        }

        @Override
        public Optional<byte[]> value() {
            return value.map(byte[]::clone);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DhtMessage m && kind == m.kind && peer.equals(m.peer)
                    && value.isPresent() == m.value.isPresent()
                    && (value.isEmpty() || java.util.Arrays.equals(value.get(), m.value.get()));
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, peer, value.map(java.util.Arrays::hashCode).orElse(0));
        }

        @Override
        public String toString() {
            return "DhtMessage[" + kind + peer.map(p -> ", peer=" + p).orElse("")
                    + value.map(v -> ", value=" + java.util.HexFormat.of().formatHex(v)).orElse("") + "]";
        }
    }

    // ---------------------------------------------------------------- end of DHT

    /** OK to FORWARD LISTEN, FORWARD and LIST: the forwarding made, or all of them. */
    record Forwardings(List<Forwarding> forwardings) implements ControlResponse {
        public Forwardings {
            forwardings = List.copyOf(forwardings);
        }
    }

    /** OK to FORWARD CLOSE: how many forwardings were closed. */
    record ForwardsClosed(int count) implements ControlResponse {}

    /** ERROR, with a message for people. */
    record Error(String message) implements ControlResponse {
        public Error {
            Objects.requireNonNull(message, "message");
        }
    }
}
