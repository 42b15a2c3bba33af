package org.jlibp2p.relay;

import java.time.Duration;

/**
 * How {@link AutoRelay} chooses relays.
 *
 * @param maxRelays reservations to hold at once (2, as go-libp2p's autorelay)
 * @param backoff how long a peer that refused a reservation, or failed to answer, is not asked again (5 min)
 */
public record AutoRelayConfig(int maxRelays, Duration backoff) {
    public AutoRelayConfig {
        if (maxRelays < 1 || maxRelays > 64) {
            throw new IllegalArgumentException("maxRelays must be in 1..64");
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("the backoff must not be negative");
        }
    }

    public static AutoRelayConfig defaults() {
        return new AutoRelayConfig(2, Duration.ofMinutes(5));
    }

    public AutoRelayConfig withMaxRelays(int n) {
        return new AutoRelayConfig(n, backoff);
    }

    public AutoRelayConfig withBackoff(Duration d) {
        return new AutoRelayConfig(maxRelays, d);
    }
}
