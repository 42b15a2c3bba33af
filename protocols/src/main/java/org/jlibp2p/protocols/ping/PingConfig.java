package org.jlibp2p.protocols.ping;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link PingBehaviour}.
 *
 * @param interval how often each connection is pinged (default 15 s, as rust-libp2p); {@link Duration#ZERO} pings
 *     only on request ({@link PingBehaviour#ping})
 * @param timeout how long a ping may wait for its answer (default 20 s); a ping past it fails and its stream is reset
 */
public record PingConfig(Duration interval, Duration timeout) {
    public PingConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval must be >= 0 and timeout > 0");
        }
    }

    public static PingConfig defaults() {
        return new PingConfig(Duration.ofSeconds(15), Duration.ofSeconds(20));
    }

    public PingConfig withInterval(Duration d) {
        return new PingConfig(d, timeout);
    }

    public PingConfig withTimeout(Duration d) {
        return new PingConfig(interval, d);
    }
}
