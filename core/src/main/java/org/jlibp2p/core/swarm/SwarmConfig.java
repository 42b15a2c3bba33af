package org.jlibp2p.core.swarm;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.transport.Transport;

/**
 * Everything a {@link Swarm} is built from.
 *
 * @param identity the node's private key; its peer id is the node's
 * @param transports tried in order for each address
 * @param security secure channels, in order of preference (a Noise channel should be configured with the same
 *     muxers, for early muxer negotiation)
 * @param muxers stream muxers, in order of preference
 * @param limits resource limits
 * @param dialTimeout how long one dial of one address may take, upgrade included (default 15 s)
 * @param eventQueueCapacity events waiting for behaviours; past it events are dropped and counted (default 4096)
 * @param clock the time source
 */
public record SwarmConfig(PrivateKey identity, List<Transport> transports, List<SecureChannel> security,
        List<StreamMuxer> muxers, Limits limits, Duration dialTimeout, int eventQueueCapacity, Clock clock) {
    public SwarmConfig {
        transports = List.copyOf(transports);
        security = List.copyOf(security);
        muxers = List.copyOf(muxers);
        if (security.isEmpty()) {
            throw new IllegalArgumentException("at least one security protocol is needed");
        }
        if (muxers.isEmpty()) {
            throw new IllegalArgumentException("at least one stream muxer is needed");
        }
        if (eventQueueCapacity < 1 || dialTimeout.isNegative() || dialTimeout.isZero()) {
            throw new IllegalArgumentException("bad event queue capacity or dial timeout");
        }
    }

    public SwarmConfig(PrivateKey identity, List<Transport> transports, List<SecureChannel> security,
            List<StreamMuxer> muxers) {
        this(identity, transports, security, muxers, Limits.defaults(), Duration.ofSeconds(15), 4096,
                Clock.systemUTC());
    }

    public SwarmConfig withLimits(Limits l) {
        return new SwarmConfig(identity, transports, security, muxers, l, dialTimeout, eventQueueCapacity, clock);
    }

    public SwarmConfig withDialTimeout(Duration d) {
        return new SwarmConfig(identity, transports, security, muxers, limits, d, eventQueueCapacity, clock);
    }
}
