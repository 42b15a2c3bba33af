package org.jlibp2p.ipfs.bitswap;

import java.time.Duration;

/**
 * How a fetch runs: at most {@code maxInFlightPerPeer} blocks asked of one provider at a time (32), a block asked
 * again elsewhere when its provider has not sent it within {@code wantTimeout} (15 s), and the fetch abandoned when
 * no block arrives for {@code idleTimeout} (60 s). With {@code rootOnly} the fetch stops at the root block, not
 * following its links (to walk a path through directories one block at a time).
 */
public record FetchOptions(int maxInFlightPerPeer, Duration wantTimeout, Duration idleTimeout, boolean rootOnly) {
    public FetchOptions {
        if (maxInFlightPerPeer < 1) {
            throw new IllegalArgumentException("maxInFlightPerPeer < 1");
        }
    }

    public FetchOptions(int maxInFlightPerPeer, Duration wantTimeout, Duration idleTimeout) {
        this(maxInFlightPerPeer, wantTimeout, idleTimeout, false);
    }

    public static FetchOptions defaults() {
        return new FetchOptions(32, Duration.ofSeconds(15), Duration.ofSeconds(60));
    }

    public FetchOptions withIdleTimeout(Duration d) {
        return new FetchOptions(maxInFlightPerPeer, wantTimeout, d, rootOnly);
    }

    public FetchOptions withWantTimeout(Duration d) {
        return new FetchOptions(maxInFlightPerPeer, d, idleTimeout, rootOnly);
    }

    public FetchOptions withMaxInFlightPerPeer(int n) {
        return new FetchOptions(n, wantTimeout, idleTimeout, rootOnly);
    }

    public FetchOptions withRootOnly(boolean only) {
        return new FetchOptions(maxInFlightPerPeer, wantTimeout, idleTimeout, only);
    }
}
