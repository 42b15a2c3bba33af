package org.jlibp2p.kademlia;

import java.time.Duration;
import java.util.Objects;

/**
 * How a Kademlia DHT node behaves. {@link #defaults()} follows the libp2p spec and go-libp2p-kad-dht: the public IPFS
 * protocol id, k = 20, alpha = 10, server mode, refresh every 10 minutes, records and provider records kept 48 hours
 * and republished every 22 hours.
 *
 * @param protocolId the protocol the DHT speaks, {@value KademliaBehaviour#PROTOCOL_ID} for the public IPFS DHT; a
 *     separate network uses its own (e.g. {@code /ipfs/lan/kad/1.0.0})
 * @param mode server (answers requests and enters others' routing tables) or client (only asks)
 * @param k replication: bucket size, peers a lookup ends on, peers a record is stored on
 * @param alpha requests a lookup has in flight at once
 * @param requestTimeout how long one peer has to answer one request (on the node's clock)
 * @param queryTimeout how long a whole operation may take
 * @param quorum how many peers' answers a value lookup collects before it settles (the local store counts as one)
 * @param maxMessageSize the largest message read or written
 * @param maxPeersPerMessage peers kept of one message's closer or provider list (the rest are dropped)
 * @param maxAddressesPerPeer addresses kept per peer of a message
 * @param refreshInterval how often the routing table is refreshed (a lookup of self and of each stale bucket)
 * @param streamIdleTimeout how long an outbound stream is kept for reuse, and an inbound one waits for a request
 * @param providerRepublishInterval how often this node's own provider records are published again
 * @param maxPeersPerIpGroupPerBucket peers of one IPv4 /16 or IPv6 /64 allowed in one bucket
 * @param maxPeersPerIpGroupInTable peers of one such group allowed in the whole table
 * @param privateAddresses whether loopback, private and link-local addresses are learnt from and handed to peers
 *     (true on a LAN or in tests; false on the public network, where such addresses only lead to dials that fail
 *     or reach the wrong host)
 * @param disjointPaths lookups follow this many disjoint paths (S/Kademlia), so that peers that lie cannot steer a
 *     whole lookup; 1, the default as in go-libp2p-kad-dht, is a plain lookup
 */
public record KademliaConfig(String protocolId, Mode mode, int k, int alpha, Duration requestTimeout,
        Duration queryTimeout, int quorum, int maxMessageSize, int maxPeersPerMessage, int maxAddressesPerPeer,
        Duration refreshInterval, Duration streamIdleTimeout, Duration providerRepublishInterval,
        int maxPeersPerIpGroupPerBucket, int maxPeersPerIpGroupInTable, boolean privateAddresses,
        int disjointPaths) {

    /** Server mode answers requests and advertises the protocol; client mode only asks. */
    public enum Mode { SERVER, CLIENT }

    public KademliaConfig {
        Objects.requireNonNull(protocolId, "protocolId");
        Objects.requireNonNull(mode, "mode");
        if (!protocolId.startsWith("/")) {
            throw new IllegalArgumentException("a protocol id starts with '/': " + protocolId);
        }
        if (k < 1 || alpha < 1 || quorum < 1 || maxMessageSize < 1024 || maxPeersPerMessage < k
                || maxAddressesPerPeer < 1 || maxPeersPerIpGroupPerBucket < 1 || maxPeersPerIpGroupInTable < 1
                || disjointPaths < 1 || disjointPaths > alpha) {
            throw new IllegalArgumentException("k, alpha, quorum and limits must be positive (messages >= 1 KiB,"
                    + " peers per message >= k, disjoint paths between 1 and alpha)");
        }
        for (Duration d : new Duration[] {requestTimeout, queryTimeout, refreshInterval, streamIdleTimeout,
                providerRepublishInterval}) {
            if (!d.isPositive()) {
                throw new IllegalArgumentException("durations must be positive: " + d);
            }
        }
    }

    public static KademliaConfig defaults() {
        return new KademliaConfig(KademliaBehaviour.PROTOCOL_ID, Mode.SERVER, 20, 10, Duration.ofSeconds(10),
                Duration.ofSeconds(60), 3, 1024 * 1024, 64, 32, Duration.ofMinutes(10), Duration.ofMinutes(1),
                Duration.ofHours(22), 2, 3, false, 1);
    }

    public KademliaConfig withProtocolId(String id) {
        return new KademliaConfig(id, mode, k, alpha, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withMode(Mode m) {
        return new KademliaConfig(protocolId, m, k, alpha, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withK(int value) {
        return new KademliaConfig(protocolId, mode, value, alpha, requestTimeout, queryTimeout, quorum,
                maxMessageSize, Math.max(maxPeersPerMessage, value), maxAddressesPerPeer, refreshInterval,
                streamIdleTimeout, providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable,
                privateAddresses, disjointPaths);
    }

    public KademliaConfig withAlpha(int value) {
        return new KademliaConfig(protocolId, mode, k, value, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withRequestTimeout(Duration d) {
        return new KademliaConfig(protocolId, mode, k, alpha, d, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withQueryTimeout(Duration d) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, d, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withQuorum(int value) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, queryTimeout, value, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withMaxMessageSize(int bytes) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, queryTimeout, quorum, bytes,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withRefreshInterval(Duration d) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, d, streamIdleTimeout, providerRepublishInterval,
                maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withStreamIdleTimeout(Duration d) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, d, providerRepublishInterval,
                maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withIpGroupLimits(int perBucket, int inTable) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, perBucket, inTable, privateAddresses, disjointPaths);
    }

    public KademliaConfig withDisjointPaths(int d) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, privateAddresses, d);
    }

    public KademliaConfig withPrivateAddresses(boolean keep) {
        return new KademliaConfig(protocolId, mode, k, alpha, requestTimeout, queryTimeout, quorum, maxMessageSize,
                maxPeersPerMessage, maxAddressesPerPeer, refreshInterval, streamIdleTimeout,
                providerRepublishInterval, maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupInTable, keep, disjointPaths);
    }
}
