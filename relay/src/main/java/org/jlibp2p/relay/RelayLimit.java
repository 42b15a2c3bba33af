package org.jlibp2p.relay;

import java.time.Duration;

/**
 * What a relay lets through one relayed connection before closing it: a duration and a number of bytes in each
 * direction. {@link Duration#ZERO} or 0 means no limit of that kind (as absent on the wire).
 */
public record RelayLimit(Duration duration, long data) {
    /** go-libp2p's default: 2 minutes and 128 KiB each way. */
    public static final RelayLimit DEFAULT = new RelayLimit(Duration.ofMinutes(2), 128 * 1024);
    public static final RelayLimit NONE = new RelayLimit(Duration.ZERO, 0);

    public RelayLimit {
        if (duration.isNegative() || data < 0) {
            throw new IllegalArgumentException("negative relay limit");
        }
    }
}
