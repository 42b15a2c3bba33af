package org.jlibp2p.gossipsub;

/**
 * What one peer may send: checked by {@link RpcCodec} on every RPC (and by the handler for the topics a peer holds)
 * before the RPC reaches the router. A breach is an {@link RpcLimitException} that costs the peer its stream.
 *
 * @param maxRpcSize bytes of one RPC on the wire (1 MiB by default, as go-libp2p-pubsub)
 * @param maxMessageSize bytes of one message's data
 * @param maxMessagesPerRpc messages published in one RPC
 * @param maxSubscriptionsPerRpc subscription changes in one RPC
 * @param maxTopicsPerPeer topics one peer may be subscribed to at once
 * @param maxIHaveLength message ids in all the IHAVEs of one RPC
 * @param maxIWantLength message ids in all the IWANTs of one RPC
 * @param maxIDontWantLength message ids in all the IDONTWANTs of one RPC
 * @param maxControlEntries GRAFT and PRUNE entries of one RPC
 * @param maxPrunePeers peers offered in one PRUNE's peer exchange
 * @param maxMessageIdLength bytes of one message id
 */
public record RpcLimits(int maxRpcSize, int maxMessageSize, int maxMessagesPerRpc, int maxSubscriptionsPerRpc,
        int maxTopicsPerPeer, int maxIHaveLength, int maxIWantLength, int maxIDontWantLength, int maxControlEntries,
        int maxPrunePeers, int maxMessageIdLength) {
    public static final int DEFAULT_MAX_RPC_SIZE = 1 << 20;

    public RpcLimits {
        if (maxRpcSize < 64 || maxMessageSize < 1 || maxMessagesPerRpc < 1 || maxSubscriptionsPerRpc < 1
                || maxTopicsPerPeer < 1 || maxIHaveLength < 0 || maxIWantLength < 0 || maxIDontWantLength < 0
                || maxControlEntries < 0 || maxPrunePeers < 0 || maxMessageIdLength < 1) {
            throw new IllegalArgumentException("limits must be positive (an RPC at least 64 bytes)");
        }
    }

    /** go-libp2p-pubsub's sizes: 1 MiB RPCs and messages, 5,000 ids per IHAVE/IWANT, 1,000 per IDONTWANT. */
    public static RpcLimits defaults() {
        return new RpcLimits(DEFAULT_MAX_RPC_SIZE, DEFAULT_MAX_RPC_SIZE, 10_000, 1_024, 1_024, 5_000, 5_000, 1_000,
                2_048, 64, 1_024);
    }

    public RpcLimits withMaxRpcSize(int bytes) {
        return new RpcLimits(bytes, Math.min(maxMessageSize, bytes), maxMessagesPerRpc, maxSubscriptionsPerRpc,
                maxTopicsPerPeer, maxIHaveLength, maxIWantLength, maxIDontWantLength, maxControlEntries,
                maxPrunePeers, maxMessageIdLength);
    }

    public RpcLimits withMaxMessageSize(int bytes) {
        return new RpcLimits(maxRpcSize, bytes, maxMessagesPerRpc, maxSubscriptionsPerRpc, maxTopicsPerPeer,
                maxIHaveLength, maxIWantLength, maxIDontWantLength, maxControlEntries, maxPrunePeers,
                maxMessageIdLength);
    }

    public RpcLimits withMaxSubscriptionsPerRpc(int n) {
        return new RpcLimits(maxRpcSize, maxMessageSize, maxMessagesPerRpc, n, maxTopicsPerPeer, maxIHaveLength,
                maxIWantLength, maxIDontWantLength, maxControlEntries, maxPrunePeers, maxMessageIdLength);
    }

    public RpcLimits withMaxTopicsPerPeer(int n) {
        return new RpcLimits(maxRpcSize, maxMessageSize, maxMessagesPerRpc, maxSubscriptionsPerRpc, n,
                maxIHaveLength, maxIWantLength, maxIDontWantLength, maxControlEntries, maxPrunePeers,
                maxMessageIdLength);
    }

    public RpcLimits withMaxIHaveLength(int n) {
        return new RpcLimits(maxRpcSize, maxMessageSize, maxMessagesPerRpc, maxSubscriptionsPerRpc,
                maxTopicsPerPeer, n, maxIWantLength, maxIDontWantLength, maxControlEntries, maxPrunePeers,
                maxMessageIdLength);
    }

    public RpcLimits withMaxIWantLength(int n) {
        return new RpcLimits(maxRpcSize, maxMessageSize, maxMessagesPerRpc, maxSubscriptionsPerRpc,
                maxTopicsPerPeer, maxIHaveLength, n, maxIDontWantLength, maxControlEntries, maxPrunePeers,
                maxMessageIdLength);
    }
}
