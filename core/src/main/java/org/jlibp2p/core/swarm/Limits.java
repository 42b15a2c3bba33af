package org.jlibp2p.core.swarm;

import java.time.Duration;

/**
 * Resource limits of a {@link Swarm}. A limit hit costs the newcomer its connection or stream, with a
 * {@link LimitExceededException} on the local side.
 *
 * @param maxConnections established connections in total (default 8192)
 * @param maxConnectionsPerPeer established connections to one peer (default 8)
 * @param maxInboundStreamsPerConnection inbound streams open at once on one connection (default 1024)
 * @param maxPendingHandshakes inbound connections being upgraded at once (default 256)
 * @param handshakeTimeout how long an upgrade (security and muxer negotiation) may take (default 10 s)
 * @param negotiationTimeout how long an inbound stream may take to negotiate its protocol (default 10 s)
 */
public record Limits(int maxConnections, int maxConnectionsPerPeer, int maxInboundStreamsPerConnection,
        int maxPendingHandshakes, Duration handshakeTimeout, Duration negotiationTimeout) {
    public Limits {
        if (maxConnections < 1 || maxConnectionsPerPeer < 1 || maxInboundStreamsPerConnection < 1
                || maxPendingHandshakes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || negotiationTimeout.isNegative()
                || negotiationTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public static Limits defaults() {
        return new Limits(8192, 8, 1024, 256, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    public Limits withMaxConnections(int n) {
        return new Limits(n, maxConnectionsPerPeer, maxInboundStreamsPerConnection, maxPendingHandshakes,
                handshakeTimeout, negotiationTimeout);
    }

    public Limits withMaxConnectionsPerPeer(int n) {
        return new Limits(maxConnections, n, maxInboundStreamsPerConnection, maxPendingHandshakes,
                handshakeTimeout, negotiationTimeout);
    }

    public Limits withMaxInboundStreamsPerConnection(int n) {
        return new Limits(maxConnections, maxConnectionsPerPeer, n, maxPendingHandshakes, handshakeTimeout,
                negotiationTimeout);
    }

    public Limits withMaxPendingHandshakes(int n) {
        return new Limits(maxConnections, maxConnectionsPerPeer, maxInboundStreamsPerConnection, n,
                handshakeTimeout, negotiationTimeout);
    }

    public Limits withHandshakeTimeout(Duration d) {
        return new Limits(maxConnections, maxConnectionsPerPeer, maxInboundStreamsPerConnection,
                maxPendingHandshakes, d, negotiationTimeout);
    }

    public Limits withNegotiationTimeout(Duration d) {
        return new Limits(maxConnections, maxConnectionsPerPeer, maxInboundStreamsPerConnection,
                maxPendingHandshakes, handshakeTimeout, d);
    }
}
