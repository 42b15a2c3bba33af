package org.jlibp2p.core.swarm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.time.Scheduler;
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
 * @param eventQueueCapacity events waiting for the behaviours, and tasks waiting in each behaviour's inbox, before
 *     whoever produces more waits (default 4096)
 * @param scheduler the node's time and timers, shared by the swarm, its muxers and its behaviours; when empty (the
 *     default) the swarm makes a {@link org.jlibp2p.core.time.SystemScheduler} of its own and closes it with itself
 * @param idleConnectionTimeout a connection with no stream open and no handler voting to keep it is closed after
 *     this long; {@link Duration#ZERO} (the default) keeps connections until closed
 * @param relayDialDelay when a peer has direct addresses as well as relayed ({@code /p2p-circuit}) ones, the relayed
 *     ones are dialled only this long after the direct ones (real time, as the dial timeout), and not at all once a
 *     direct one connected; sooner if every direct one failed first. A peer with relayed addresses only is dialled
 *     through its relays at once. Default {@link #DEFAULT_RELAY_DIAL_DELAY}, go-libp2p's figure; zero dials all at
 *     once
 */
public record SwarmConfig(PrivateKey identity, List<Transport> transports, List<SecureChannel> security,
        List<StreamMuxer> muxers, Limits limits, Duration dialTimeout, int eventQueueCapacity,
        Optional<Scheduler> scheduler, Duration idleConnectionTimeout, Duration relayDialDelay) {
    /** How long relayed addresses wait behind direct ones by default: 500 ms. */
    public static final Duration DEFAULT_RELAY_DIAL_DELAY = Duration.ofMillis(500);

    public SwarmConfig {
        Objects.requireNonNull(identity, "identity");
        transports = List.copyOf(transports);
        security = List.copyOf(security);
        muxers = List.copyOf(muxers);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(scheduler, "scheduler");
        if (security.isEmpty()) {
            throw new IllegalArgumentException("at least one security protocol is needed");
        }
        if (muxers.isEmpty()) {
            throw new IllegalArgumentException("at least one stream muxer is needed");
        }
        if (eventQueueCapacity < 1 || dialTimeout.isNegative() || dialTimeout.isZero()) {
            throw new IllegalArgumentException("bad event queue capacity or dial timeout");
        }
        if (idleConnectionTimeout.isNegative()) {
            throw new IllegalArgumentException("the idle connection timeout must not be negative");
        }
        if (relayDialDelay.isNegative()) {
            throw new IllegalArgumentException("the relay dial delay must not be negative");
        }
    }

    /** The same with the default relay dial delay. */
    public SwarmConfig(PrivateKey identity, List<Transport> transports, List<SecureChannel> security,
            List<StreamMuxer> muxers, Limits limits, Duration dialTimeout, int eventQueueCapacity,
            Optional<Scheduler> scheduler, Duration idleConnectionTimeout) {
        this(identity, transports, security, muxers, limits, dialTimeout, eventQueueCapacity, scheduler,
                idleConnectionTimeout, DEFAULT_RELAY_DIAL_DELAY);
    }

    public SwarmConfig(PrivateKey identity, List<Transport> transports, List<SecureChannel> security,
            List<StreamMuxer> muxers) {
        this(identity, transports, security, muxers, Limits.defaults(), Duration.ofSeconds(15), 4096,
                Optional.empty(), Duration.ZERO, DEFAULT_RELAY_DIAL_DELAY);
    }

    public SwarmConfig withLimits(Limits l) {
        return new SwarmConfig(identity, transports, security, muxers, l, dialTimeout, eventQueueCapacity, scheduler,
                idleConnectionTimeout, relayDialDelay);
    }

    public SwarmConfig withDialTimeout(Duration d) {
        return new SwarmConfig(identity, transports, security, muxers, limits, d, eventQueueCapacity, scheduler,
                idleConnectionTimeout, relayDialDelay);
    }

    public SwarmConfig withEventQueueCapacity(int n) {
        return new SwarmConfig(identity, transports, security, muxers, limits, dialTimeout, n, scheduler,
                idleConnectionTimeout, relayDialDelay);
    }

    /** The same with {@code s} as the node's scheduler; the caller keeps it and closes it. */
    public SwarmConfig withScheduler(Scheduler s) {
        return new SwarmConfig(identity, transports, security, muxers, limits, dialTimeout, eventQueueCapacity,
                Optional.of(s), idleConnectionTimeout, relayDialDelay);
    }

    public SwarmConfig withIdleConnectionTimeout(Duration d) {
        return new SwarmConfig(identity, transports, security, muxers, limits, dialTimeout, eventQueueCapacity,
                scheduler, d, relayDialDelay);
    }

    public SwarmConfig withRelayDialDelay(Duration d) {
        return new SwarmConfig(identity, transports, security, muxers, limits, dialTimeout, eventQueueCapacity,
                scheduler, idleConnectionTimeout, d);
    }
}
