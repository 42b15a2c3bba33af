package org.jlibp2p.relay.dcutr;

import java.time.Duration;

/**
 * Hole punching settings.
 *
 * @param maxAttempts rounds of CONNECT, SYNC and simultaneous dial before giving up (3, as the spec says: the
 *     initiator retries twice)
 * @param dialTimeout how long one round's direct dial may take, handshake excluded (5 s)
 * @param streamTimeout how long the other side may take to answer a message (10 s)
 */
public record DcutrConfig(int maxAttempts, Duration dialTimeout, Duration streamTimeout) {
    public DcutrConfig {
        if (maxAttempts < 1 || maxAttempts > 10 || dialTimeout.isNegative() || dialTimeout.isZero()
                || streamTimeout.isNegative() || streamTimeout.isZero()) {
            throw new IllegalArgumentException("bad hole punching settings");
        }
    }

    public static DcutrConfig defaults() {
        return new DcutrConfig(3, Duration.ofSeconds(5), Duration.ofSeconds(10));
    }
}
