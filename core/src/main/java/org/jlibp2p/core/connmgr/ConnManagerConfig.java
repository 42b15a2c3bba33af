package org.jlibp2p.core.connmgr;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ConnManager} trims: above {@code highWater} connections it closes connections of the least valuable
 * peers until {@code lowWater} trimmable connections remain.
 *
 * @param lowWater how many trimmable connections a trim leaves (connections of protected peers and of peers in their
 *     grace period are kept on top of these)
 * @param highWater the number of connections above which the manager trims by itself
 * @param gracePeriod how long a newly connected peer is not trimmed, counted from its first connection
 * @param silencePeriod the shortest time between two trims the manager starts by itself ({@link ConnManager#trim()}
 *     is not held back by it)
 */
public record ConnManagerConfig(int lowWater, int highWater, Duration gracePeriod, Duration silencePeriod) {
    /** go-libp2p-daemon's {@code -connLo}. */
    public static final int DEFAULT_LOW_WATER = 256;
    /** go-libp2p-daemon's {@code -connHi}. */
    public static final int DEFAULT_HIGH_WATER = 512;
    /** go-libp2p's default grace period (its daemon's {@code -connGrace} defaults to 120 s). */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(1);
    /** go-libp2p's default silence period. */
    public static final Duration DEFAULT_SILENCE_PERIOD = Duration.ofSeconds(10);

    public ConnManagerConfig {
        if (lowWater < 0) {
            throw new IllegalArgumentException("the low water mark must not be negative: " + lowWater);
        }
        if (highWater < 1 || highWater < lowWater) {
            throw new IllegalArgumentException("the high water mark must be at least 1 and at least the low water"
                    + " mark: low " + lowWater + ", high " + highWater);
        }
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        Objects.requireNonNull(silencePeriod, "silencePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("the grace period must not be negative: " + gracePeriod);
        }
        if (silencePeriod.isNegative() || silencePeriod.isZero()) {
            throw new IllegalArgumentException("the silence period must be positive: " + silencePeriod);
        }
    }

    /** Low 256, high 512, a grace period of one minute, a silence period of 10 s. */
    public static ConnManagerConfig defaults() {
        return new ConnManagerConfig(DEFAULT_LOW_WATER, DEFAULT_HIGH_WATER, DEFAULT_GRACE_PERIOD,
                DEFAULT_SILENCE_PERIOD);
    }

    /** These water marks, with the default grace and silence periods. */
    public static ConnManagerConfig of(int lowWater, int highWater) {
        return new ConnManagerConfig(lowWater, highWater, DEFAULT_GRACE_PERIOD, DEFAULT_SILENCE_PERIOD);
    }

    public ConnManagerConfig withGracePeriod(Duration grace) {
        return new ConnManagerConfig(lowWater, highWater, grace, silencePeriod);
    }

    public ConnManagerConfig withSilencePeriod(Duration silence) {
        return new ConnManagerConfig(lowWater, highWater, gracePeriod, silence);
    }
}
