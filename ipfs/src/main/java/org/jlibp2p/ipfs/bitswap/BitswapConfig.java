package org.jlibp2p.ipfs.bitswap;

/** Bitswap's settings: the limits on what peers send ({@link BitswapLimits#defaults()}). */
public record BitswapConfig(BitswapLimits limits) {
    public static BitswapConfig defaults() {
        return new BitswapConfig(BitswapLimits.defaults());
    }
}
