package org.jlibp2p.node.control;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.peer.PeerId;

/**
 * A request of the daemon control protocol, as the daemon serves it: {@link ControlCodec} makes one from the wire
 * and checks its values, so that a handler receives well-typed parameters only.
 */
public sealed interface ControlRequest {
    /** IDENTIFY: the daemon's peer id and listen addresses. */
    record Identify() implements ControlRequest {}

    /** CONNECT: dial {@code peer}, trying {@code addrs} besides the addresses already known for it. */
    record Connect(PeerId peer, List<Multiaddr> addrs, Duration timeout) implements ControlRequest {
        public Connect {
            Objects.requireNonNull(peer, "peer");
            addrs = List.copyOf(addrs);
            requirePositive(timeout);
        }
    }

    /** DISCONNECT: close every connection to {@code peer}. */
    record Disconnect(PeerId peer) implements ControlRequest {
        public Disconnect {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** LIST_PEERS: one entry per open connection. */
    record ListPeers() implements ControlRequest {}

    /** RESOURCES (a jlibp2p extension): what the node's resource manager holds, and its refusals. */
    record Resources() implements ControlRequest {}

    /** REACHABILITY (a jlibp2p extension): what AutoNAT says of the node, its listen and external addresses. */
    record Reachability() implements ControlRequest {}

    /**
     * STREAM_OPEN: a stream to {@code peer} on the first of {@code protocols} it supports; after the answer the
     * control connection carries the stream.
     */
    record StreamOpen(PeerId peer, List<String> protocols, Duration timeout) implements ControlRequest {
        public StreamOpen {
            Objects.requireNonNull(peer, "peer");
            protocols = List.copyOf(protocols);
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("a stream needs at least one protocol");
            }
            requirePositive(timeout);
        }
    }

    /** STREAM_HANDLER: deliver inbound streams of {@code protocols} to the client listening at {@code addr}. */
    record StreamHandler(Multiaddr addr, List<String> protocols) implements ControlRequest {
        public StreamHandler {
            Objects.requireNonNull(addr, "addr");
            protocols = List.copyOf(protocols);
        }
    }

    /** The PEERSTORE requests this daemon serves: what the node knows about one peer. */
    sealed interface PeerstoreQuery extends ControlRequest {
        PeerId peer();
    }

    /** PEERSTORE GET_PROTOCOLS: the protocols {@code peer} is known to support. */
    record GetProtocols(PeerId peer) implements PeerstoreQuery {
        public GetProtocols {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** PEERSTORE GET_PEER_INFO: the addresses known for {@code peer}. */
    record GetPeerInfo(PeerId peer) implements PeerstoreQuery {
        public GetPeerInfo {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** The CONNMANAGER requests: tags and trims of the connection manager ({@code -connManager}). */
    sealed interface ConnManagerRequest extends ControlRequest {}

    /** CONNMANAGER TAG_PEER: sets {@code peer}'s tag {@code tag} to {@code weight}. */
    record TagPeer(PeerId peer, String tag, int weight) implements ConnManagerRequest {
        public TagPeer {
            Objects.requireNonNull(peer, "peer");
            requireTag(tag);
        }
    }

    /** CONNMANAGER UNTAG_PEER: removes {@code peer}'s tag {@code tag}. */
    record UntagPeer(PeerId peer, String tag) implements ConnManagerRequest {
        public UntagPeer {
            Objects.requireNonNull(peer, "peer");
            requireTag(tag);
        }
    }

    /** CONNMANAGER TRIM: trims the connections now. */
    record Trim() implements ConnManagerRequest {}

    // ---------------------------------------------------------------- DHT

    /**
     * The DHT requests (go-libp2p-daemon's {@code dht.go}): each carries the timeout of its lookup (the request's
     * {@code timeout} seconds, else {@link ControlCodec#DEFAULT_OPERATION_TIMEOUT}). Keys and values are copied.
     */
    sealed interface DhtRequest extends ControlRequest {
        Duration timeout();
    }

    /** DHT FIND_PEER: the addresses of {@code peer}; one VALUE carrying a peer. */
    record FindPeer(PeerId peer, Duration timeout) implements DhtRequest {
        public FindPeer {
            Objects.requireNonNull(peer, "peer");
            requirePositive(timeout);
        }
    }

    /** DHT FIND_PROVIDERS: up to {@code count} providers of the CID's multihash, streamed. */
    record FindProviders(Cid cid, int count, Duration timeout) implements DhtRequest {
        public FindProviders {
            Objects.requireNonNull(cid, "cid");
            if (count < 1) {
                throw new IllegalArgumentException("count must be positive: " + count);
            }
            requirePositive(timeout);
        }
    }

    /** DHT GET_CLOSEST_PEERS: the peer ids closest to {@code key}, streamed. */
    record GetClosestPeers(byte[] key, Duration timeout) implements DhtRequest {
        public GetClosestPeers {
            key = key.clone();
            requirePositive(timeout);
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GetClosestPeers r && Arrays.equals(key, r.key) && timeout.equals(r.timeout);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(key), timeout);
        }

        @Override
        public String toString() {
            return "GetClosestPeers[key=" + HexFormat.of().formatHex(key) + ", timeout=" + timeout + "]";
        }
    }

    /** DHT GET_PUBLIC_KEY: {@code peer}'s public key, marshalled; one VALUE. */
    record GetPublicKey(PeerId peer, Duration timeout) implements DhtRequest {
        public GetPublicKey {
            Objects.requireNonNull(peer, "peer");
            requirePositive(timeout);
        }
    }

    /** DHT GET_VALUE: the best value stored under {@code key}; one VALUE. */
    record GetValue(byte[] key, Duration timeout) implements DhtRequest {
        public GetValue {
            key = key.clone();
            requirePositive(timeout);
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GetValue r && Arrays.equals(key, r.key) && timeout.equals(r.timeout);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(key), timeout);
        }

        @Override
        public String toString() {
            return "GetValue[key=" + HexFormat.of().formatHex(key) + ", timeout=" + timeout + "]";
        }
    }

    /** DHT SEARCH_VALUE: every better value found under {@code key}, streamed as they arrive. */
    record SearchValue(byte[] key, Duration timeout) implements DhtRequest {
        public SearchValue {
            key = key.clone();
            requirePositive(timeout);
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SearchValue r && Arrays.equals(key, r.key) && timeout.equals(r.timeout);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(key), timeout);
        }

        @Override
        public String toString() {
            return "SearchValue[key=" + HexFormat.of().formatHex(key) + ", timeout=" + timeout + "]";
        }
    }

    /** DHT PUT_VALUE: stores {@code value} under {@code key}; a plain OK. */
    record PutValue(byte[] key, byte[] value, Duration timeout) implements DhtRequest {
        public PutValue {
            key = key.clone();
            value = value.clone();
            requirePositive(timeout);
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PutValue p && Arrays.equals(key, p.key) && Arrays.equals(value, p.value)
                    && timeout.equals(p.timeout);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), timeout);
        }

        @Override
        public String toString() {
            return "PutValue[key=" + HexFormat.of().formatHex(key) + ", value=" + value.length + " bytes, timeout="
                    + timeout + "]";
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /** DHT PROVIDE: announces the node as a provider of the CID's multihash; a plain OK. */
    record Provide(Cid cid, Duration timeout) implements DhtRequest {
        public Provide {
            Objects.requireNonNull(cid, "cid");
            requirePositive(timeout);
        }
    }

    // ---------------------------------------------------------------- end of DHT

    /** The PUBSUB requests (served when the daemon runs with {@code -pubsub}). */
    sealed interface PubsubRequest extends ControlRequest {}

    /** PUBSUB GET_TOPICS: the topics the daemon is subscribed to. */
    record PubsubGetTopics() implements PubsubRequest {}

    /** PUBSUB LIST_PEERS: the peers subscribed to {@code topic}, or every pubsub peer when it is empty. */
    record PubsubListPeers(String topic) implements PubsubRequest {
        public PubsubListPeers {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /** PUBSUB PUBLISH: publishes {@code data} to {@code topic}. */
    record PubsubPublish(String topic, byte[] data) implements PubsubRequest {
        public PubsubPublish {
            Objects.requireNonNull(topic, "topic");
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Equal when the topic and the data's bytes are. */
        @Override
        public boolean equals(Object o) {
            return o instanceof PubsubPublish p && topic.equals(p.topic) && java.util.Arrays.equals(data, p.data);
        }

        @Override
        public int hashCode() {
            return 31 * topic.hashCode() + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "PubsubPublish[topic=" + topic + ", " + data.length + " bytes]";
        }
    }

    /**
     * PUBSUB SUBSCRIBE: subscribes to {@code topic}; after the answer the control connection carries the topic's
     * messages ({@link PubsubMessage}s) until the client closes it.
     */
    record PubsubSubscribe(String topic) implements PubsubRequest {
        public PubsubSubscribe {
            Objects.requireNonNull(topic, "topic");
        }
    }

    // ---------------------------------------------------------------- forwarding (a jlibp2p extension)

    /** The FORWARD requests: local TCP services reached through libp2p streams ({@code p2pctl listen/forward}). */
    sealed interface ForwardRequest extends ControlRequest {}

    /** FORWARD LISTEN: pipe inbound streams of {@code protocol} to the TCP service at {@code target}. */
    record ForwardListen(String protocol, Multiaddr target) implements ForwardRequest {
        public ForwardListen {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * FORWARD FORWARD: accept TCP connections at {@code listen} and open a stream of {@code protocol} to {@code peer}
     * for each, dialling it at {@code peerAddrs} besides the addresses already known.
     */
    record ForwardDial(String protocol, Multiaddr listen, PeerId peer, List<Multiaddr> peerAddrs)
            implements ForwardRequest {
        public ForwardDial {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(peer, "peer");
            peerAddrs = List.copyOf(peerAddrs);
        }
    }

    /** FORWARD LIST: every forwarding. */
    record ForwardList() implements ForwardRequest {}

    /**
     * FORWARD CLOSE: closes the forwardings matching every filter given, or every forwarding when {@code all}; at
     * least one of them is needed.
     */
    record ForwardClose(java.util.Optional<String> protocol, java.util.Optional<Multiaddr> listen,
            java.util.Optional<Multiaddr> target, boolean all) implements ForwardRequest {
        public ForwardClose {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(target, "target");
            if (!all && protocol.isEmpty() && listen.isEmpty() && target.isEmpty()) {
                throw new IllegalArgumentException("CLOSE needs a protocol, an address or all");
            }
        }
    }

    /** The areas of the protocol that have requests this daemon does not serve (yet). */
    enum Area { DHT, PUBSUB, PEERSTORE }

    /**
     * A well-formed request of an operation this daemon does not serve: its area, and the operation the request
     * names ({@code FIND_PEER}, {@code UNSPECIFIED}, ...; empty when it names none). Answered with an error; the
     * control connection stays usable.
     */
    record Unsupported(Area area, String operation) implements ControlRequest {
        public Unsupported {
            Objects.requireNonNull(area, "area");
            Objects.requireNonNull(operation, "operation");
        }
    }

    private static void requireTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("a tag must not be empty");
        }
    }

    private static void requirePositive(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive: " + timeout);
        }
    }

    /** The FILES requests (a jlibp2p extension, type 140): file sharing by content id, {@code p2pd -bitswap}. */
    sealed interface FilesRequest extends ControlRequest {}

    /** Imports the daemon-side file or directory tree at {@code path} and announces its root. */
    record FilesAdd(String path, int cidVersion, int chunkSize, boolean rawLeaves) implements FilesRequest {
        public FilesAdd {
            java.util.Objects.requireNonNull(path, "path");
        }
    }

    /**
     * Fetches {@code cid} and writes the file or tree, or what {@code dagPath} names under it ({@code ""}: the root),
     * to the daemon-side {@code path}, from the providers the DHT finds and {@code peers}; gives up after
     * {@code timeout} without a block.
     */
    record FilesGet(org.jlibp2p.core.multiformats.Cid cid, String path, List<Multiaddr> peers, Duration timeout,
            String dagPath) implements FilesRequest {
        public FilesGet {
            java.util.Objects.requireNonNull(cid, "cid");
            java.util.Objects.requireNonNull(path, "path");
            java.util.Objects.requireNonNull(dagPath, "dagPath");
            peers = List.copyOf(peers);
        }

        public FilesGet(org.jlibp2p.core.multiformats.Cid cid, String path, List<Multiaddr> peers, Duration timeout) {
            this(cid, path, peers, timeout, "");
        }
    }
}
