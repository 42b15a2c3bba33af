package org.jlibp2p.core.swarm;

import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.resource.ResourceLimits.Kind;
import org.jlibp2p.core.resource.ScopeLimit;

/**
 * Resource limits and timeouts of a {@link Swarm}. A limit hit costs the newcomer its connection or stream, with a
 * {@link LimitExceededException} on the local side.
 *
 * @param resources what the node's {@link org.jlibp2p.core.resource.ResourceManager} allows: connections, streams,
 *     memory and sockets per scope, connections per IP subnet (default {@link ResourceLimits#defaults()}, scaled to
 *     the heap and the open-file limit)
 * @param handshakeTimeout how long an upgrade (security and muxer negotiation) may take (default 10 s)
 * @param negotiationTimeout how long an inbound stream may take to negotiate its protocol (default 10 s)
 */
public record Limits(ResourceLimits resources, Duration handshakeTimeout, Duration negotiationTimeout) {
    public Limits {
        Objects.requireNonNull(resources, "resources");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || negotiationTimeout.isNegative()
                || negotiationTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public static Limits defaults() {
        return new Limits(ResourceLimits.defaults(), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    public Limits withResources(ResourceLimits r) {
        return new Limits(r, handshakeTimeout, negotiationTimeout);
    }

    /** The same with the limit of one kind of scope changed. */
    public Limits with(Kind kind, UnaryOperator<ScopeLimit> change) {
        return withResources(resources.with(kind, change));
    }

    /** At most {@code n} connections in all (each direction too), whatever the file-descriptor limit says. */
    public Limits withMaxConnections(int n) {
        return with(Kind.SYSTEM, l -> l.withConnections(n).withFileDescriptors(Math.max(n, l.fileDescriptors())));
    }

    /** At most {@code n} connections to one peer. */
    public Limits withMaxConnectionsPerPeer(int n) {
        return with(Kind.PEER, l -> l.withConnections(n));
    }

    /** At most {@code n} streams the remote opened at once on one connection. */
    public Limits withMaxInboundStreamsPerConnection(int n) {
        return with(Kind.CONNECTION, l -> l.withStreams(n, l.streamsOutbound(), Math.max(n, l.streams())));
    }

    /** At most {@code n} inbound connections in their handshake at once. */
    public Limits withMaxPendingHandshakes(int n) {
        return with(Kind.PENDING, l -> l.withConnections(n, l.connectionsOutbound(), Math.max(n, l.connections())));
    }

    public Limits withHandshakeTimeout(Duration d) {
        return new Limits(resources, d, negotiationTimeout);
    }

    public Limits withNegotiationTimeout(Duration d) {
        return new Limits(resources, handshakeTimeout, d);
    }
}
