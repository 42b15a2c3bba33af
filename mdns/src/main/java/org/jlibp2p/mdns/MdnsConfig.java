package org.jlibp2p.mdns;

import java.time.Duration;

/**
 * Settings of {@link MdnsBehaviour}.
 *
 * @param queryInterval between queries (default 5 min; one is sent at start)
 * @param ttl how long this node's answers say its addresses hold, and how long a peer heard of is kept without being
 *     heard again (default 2 min, refreshed by every answer)
 * @param autoDial whether a peer found is dialled at once (default true)
 * @param port the UDP port (default 5353, mDNS's; tests may take another)
 * @param includeLoopback whether loopback addresses are announced (default false: they mean nothing to another host)
 * @param maxPeers most peers remembered at once (default 256); others are ignored until some expire
 */
public record MdnsConfig(Duration queryInterval, Duration ttl, boolean autoDial, int port, boolean includeLoopback,
        int maxPeers) {
    public MdnsConfig {
        if (queryInterval.isNegative() || queryInterval.isZero() || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("intervals must be positive");
        }
        if (port < 1 || port > 65535 || maxPeers < 1) {
            throw new IllegalArgumentException("port or maxPeers out of range");
        }
    }

    public static MdnsConfig defaults() {
        return new MdnsConfig(Duration.ofMinutes(5), Duration.ofMinutes(2), true, 5353, false, 256);
    }

    public MdnsConfig withQueryInterval(Duration d) {
        return new MdnsConfig(d, ttl, autoDial, port, includeLoopback, maxPeers);
    }

    public MdnsConfig withTtl(Duration d) {
        return new MdnsConfig(queryInterval, d, autoDial, port, includeLoopback, maxPeers);
    }

    public MdnsConfig withAutoDial(boolean v) {
        return new MdnsConfig(queryInterval, ttl, v, port, includeLoopback, maxPeers);
    }

    public MdnsConfig withPort(int p) {
        return new MdnsConfig(queryInterval, ttl, autoDial, p, includeLoopback, maxPeers);
    }

    public MdnsConfig withIncludeLoopback(boolean v) {
        return new MdnsConfig(queryInterval, ttl, autoDial, port, v, maxPeers);
    }
}
