package org.jlibp2p.muxer.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a session has received and its application has not read yet, summed over all its streams, against a
 * limit. Each stream's buffer ({@link SegmentQueue}) counts what it holds here; the session's reader asks
 * {@link #hasRoomFor(long)} before it buffers a payload, and resets the stream instead when there is none. Flow
 * control bounds each stream; this bounds their sum, which a remote opening many streams and filling each window
 * could otherwise drive to the window times the stream limit.
 *
 * <p>Thread-safe: the reader adds, application threads release.
 */
public final class ReceiveBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public ReceiveBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the receive budget must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** A budget that never runs out, for streams whose session sets none. */
    public static ReceiveBudget unlimited() {
        return new ReceiveBudget(Long.MAX_VALUE);
    }

    /** Whether {@code n} more bytes may be buffered now. */
    public boolean hasRoomFor(long n) {
        return n <= limit - used.get();
    }

    /** Bytes buffered now across the session's streams. */
    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }

    void add(long n) {
        used.addAndGet(n);
    }

    void release(long n) {
        if (n != 0) {
            used.addAndGet(-n);
        }
    }
}
