package org.jlibp2p.ipfs.bitswap;

/**
 * What a peer may send in Bitswap messages. The defaults follow boxo: messages of at most 4 MiB, blocks of at most
 * 2 MiB, 1024 wantlist entries a message (boxo's {@code MaxWantlistSize}); as many block presences and blocks; and at
 * most 4096 wants kept for one peer (older ones are forgotten first).
 */
public record BitswapLimits(int maxMessageSize, int maxBlockSize, int maxWantlistEntries, int maxPresencesPerMessage,
        int maxBlocksPerMessage, int maxWantsPerPeer) {
    public static BitswapLimits defaults() {
        return new BitswapLimits(4 * 1024 * 1024, 2 * 1024 * 1024, 1024, 1024, 1024, 4096);
    }
}
