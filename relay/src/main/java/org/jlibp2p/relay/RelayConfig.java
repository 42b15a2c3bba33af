package org.jlibp2p.relay;

import java.time.Duration;

/**
 * The limits of a relay service; the defaults are go-libp2p's ({@link #defaults()}).
 *
 * @param reservationTtl how long a reservation lasts before it must be renewed (1 h)
 * @param maxReservations reservations held at once (128)
 * @param maxReservationsPerIp reservations from one IP address (8)
 * @param maxCircuits relayed connections at once per peer, counted at both ends (16)
 * @param limit what one relayed connection may carry before the relay closes it (2 min, 128 KiB each way)
 * @param bufferSize the relay's copy buffer per direction of a circuit (2 KiB), so that a circuit holds at most
 *     twice this in memory
 */
public record RelayConfig(Duration reservationTtl, int maxReservations, int maxReservationsPerIp, int maxCircuits,
        RelayLimit limit, int bufferSize) {
    public RelayConfig {
        if (reservationTtl.isNegative() || reservationTtl.isZero() || maxReservations < 1 || maxReservationsPerIp < 1
                || maxCircuits < 1 || bufferSize < 64 || bufferSize > 1 << 20) {
            throw new IllegalArgumentException("bad relay limits");
        }
    }

    public static RelayConfig defaults() {
        return new RelayConfig(Duration.ofHours(1), 128, 8, 16, RelayLimit.DEFAULT, 2048);
    }

    public RelayConfig withReservationTtl(Duration d) {
        return new RelayConfig(d, maxReservations, maxReservationsPerIp, maxCircuits, limit, bufferSize);
    }

    public RelayConfig withMaxReservations(int n) {
        return new RelayConfig(reservationTtl, n, maxReservationsPerIp, maxCircuits, limit, bufferSize);
    }

    public RelayConfig withMaxReservationsPerIp(int n) {
        return new RelayConfig(reservationTtl, maxReservations, n, maxCircuits, limit, bufferSize);
    }

    public RelayConfig withMaxCircuits(int n) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, n, limit, bufferSize);
    }

    public RelayConfig withLimit(RelayLimit l) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, l, bufferSize);
    }
}
