package org.jlibp2p.core.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Time and timers of a node, injected wherever protocol logic needs either: the swarm (handshake and negotiation
 * deadlines), the muxers (keep-alive pings), every behaviour (heartbeats, query timeouts, refreshes) and the protocols
 * (round-trip times). {@link SystemScheduler} runs on the real clock; {@link ManualScheduler} lets a test or a
 * simulation move time by hand, so that the same code runs deterministically, and many nodes can share one clock.
 *
 * <p>Scheduled tasks run on the scheduler's own thread, one at a time, in order of due time: they must be short and
 * must not block (hand blocking work to a thread of its own, or post it to a behaviour).
 */
public interface Scheduler {
    /** The current wall-clock time (for records and sequence numbers). */
    Instant now();

    /** A monotonic reading in nanoseconds, for measuring intervals (round-trip times, idleness). */
    long nanoTime();

    /**
     * Runs {@code task} once after {@code delay}. After the scheduler is closed, the task is dropped and
     * {@link Cancellable#NONE} returned.
     */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Runs {@code task} every {@code period}, the first time after {@code period}, until cancelled. Each run is
     * scheduled when the previous one ends (a fixed delay), so slow runs never pile up.
     */
    default Cancellable every(Duration period, Runnable task) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        return new Repeating(this, period, task).start();
    }

    /** This scheduler's time as a {@link Clock} (UTC). */
    default Clock clock() {
        Scheduler self = this;
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException("a scheduler's clock is UTC");
            }

            @Override
            public Instant instant() {
                return self.now();
            }
        };
    }
}
