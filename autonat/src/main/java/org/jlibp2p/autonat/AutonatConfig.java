package org.jlibp2p.autonat;

import java.time.Duration;

/**
 * Settings of {@link AutonatBehaviour}. The server's defaults are go-libp2p's and keep it from being used as an
 * amplifier: it dials only addresses at the requester's own IP (v2: another IP only after the requester sent
 * {@code dialDataMin}..{@code dialDataMax} bytes, more than the dial costs), never private or loopback addresses
 * unless {@code allowPrivateAddresses}, at most {@code globalPerMinute} requests a minute in all and
 * {@code perPeerPerMinute} per peer, {@code maxConcurrentDialBacks} dials at a time, one per peer.
 *
 * @param client whether the node asks servers about itself (default true)
 * @param server whether the node answers other peers (default false: it dials on their behalf)
 * @param v2 whether v2 is spoken besides v1: served by a server, preferred by a client (default true)
 * @param allowPrivateAddresses whether the server dials loopback, private and link-local addresses, and the client
 *     counts them (default false; tests and LANs turn it on)
 * @param confirmations how many agreeing answers, from distinct servers, change the reachability (default 3)
 * @param bootDelay wait before the first probe (default 15 s)
 * @param retryInterval between probes while the reachability is unknown or moving (default 90 s)
 * @param refreshInterval between probes once it is settled (default 15 min)
 * @param requestTimeout how long a client waits for a server's answer (default 60 s)
 * @param dialTimeout how long a server's dial-back may take (default 15 s)
 * @param globalPerMinute requests a server takes a minute, all peers together (default 30 for v1, v2 has 60)
 * @param perPeerPerMinute requests a server takes from one peer a minute (default 3 for v1, v2 has 12)
 * @param maxConcurrentDialBacks dial-backs in flight at once (default 8)
 * @param dialDataMin least bytes a v2 server asks before dialling another IP (default 30,000)
 * @param dialDataMax most (default 100,000)
 */
public record AutonatConfig(boolean client, boolean server, boolean v2, boolean allowPrivateAddresses, int confirmations,
        Duration bootDelay, Duration retryInterval, Duration refreshInterval, Duration requestTimeout,
        Duration dialTimeout, int globalPerMinute, int perPeerPerMinute, int maxConcurrentDialBacks,
        int dialDataMin, int dialDataMax) {
    public AutonatConfig {
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1");
        }
        for (Duration d : new Duration[] {bootDelay, retryInterval, refreshInterval, requestTimeout, dialTimeout}) {
            if (d.isNegative() || (d.isZero() && d != bootDelay)) {
                throw new IllegalArgumentException("durations must be positive: " + d);
            }
        }
        if (globalPerMinute < 1 || perPeerPerMinute < 1 || maxConcurrentDialBacks < 1) {
            throw new IllegalArgumentException("server limits must be at least 1");
        }
        if (dialDataMin < 0 || dialDataMax < dialDataMin || dialDataMax > 1 << 20) {
            throw new IllegalArgumentException("dial data bounds out of order or above 1 MiB");
        }
    }

    public static AutonatConfig defaults() {
        return new AutonatConfig(true, false, true, false, 3, Duration.ofSeconds(15), Duration.ofSeconds(90),
                Duration.ofMinutes(15), Duration.ofSeconds(60), Duration.ofSeconds(15), 30, 3, 8, 30_000, 100_000);
    }

    public AutonatConfig withClient(boolean v) {
        return new AutonatConfig(v, server, v2, allowPrivateAddresses, confirmations, bootDelay, retryInterval,
                refreshInterval, requestTimeout, dialTimeout, globalPerMinute, perPeerPerMinute,
                maxConcurrentDialBacks, dialDataMin, dialDataMax);
    }

    public AutonatConfig withServer(boolean v) {
        return new AutonatConfig(client, v, v2, allowPrivateAddresses, confirmations, bootDelay, retryInterval,
                refreshInterval, requestTimeout, dialTimeout, globalPerMinute, perPeerPerMinute,
                maxConcurrentDialBacks, dialDataMin, dialDataMax);
    }

    public AutonatConfig withV2(boolean v) {
        return new AutonatConfig(client, server, v, allowPrivateAddresses, confirmations, bootDelay, retryInterval,
                refreshInterval, requestTimeout, dialTimeout, globalPerMinute, perPeerPerMinute,
                maxConcurrentDialBacks, dialDataMin, dialDataMax);
    }

    public AutonatConfig withAllowPrivateAddresses(boolean v) {
        return new AutonatConfig(client, server, v2, v, confirmations, bootDelay, retryInterval, refreshInterval,
                requestTimeout, dialTimeout, globalPerMinute, perPeerPerMinute, maxConcurrentDialBacks, dialDataMin,
                dialDataMax);
    }

    public AutonatConfig withConfirmations(int v) {
        return new AutonatConfig(client, server, v2, allowPrivateAddresses, v, bootDelay, retryInterval,
                refreshInterval, requestTimeout, dialTimeout, globalPerMinute, perPeerPerMinute,
                maxConcurrentDialBacks, dialDataMin, dialDataMax);
    }

    /** The same with other probe timings: boot delay, retry and refresh intervals. */
    public AutonatConfig withSchedule(Duration boot, Duration retry, Duration refresh) {
        return new AutonatConfig(client, server, v2, allowPrivateAddresses, confirmations, boot, retry, refresh,
                requestTimeout, dialTimeout, globalPerMinute, perPeerPerMinute, maxConcurrentDialBacks, dialDataMin,
                dialDataMax);
    }

    /** The same with other server limits: requests a minute in all and per peer. */
    public AutonatConfig withRateLimits(int global, int perPeer) {
        return new AutonatConfig(client, server, v2, allowPrivateAddresses, confirmations, bootDelay, retryInterval,
                refreshInterval, requestTimeout, dialTimeout, global, perPeer, maxConcurrentDialBacks, dialDataMin,
                dialDataMax);
    }

    public AutonatConfig withTimeouts(Duration request, Duration dial) {
        return new AutonatConfig(client, server, v2, allowPrivateAddresses, confirmations, bootDelay, retryInterval,
                refreshInterval, request, dial, globalPerMinute, perPeerPerMinute, maxConcurrentDialBacks,
                dialDataMin, dialDataMax);
    }
}
