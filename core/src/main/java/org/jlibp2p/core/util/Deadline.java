package org.jlibp2p.core.util;

import java.time.Duration;
import java.util.Collection;

/**
 * A point in real (monotonic) time by which a blocking wait must end: joins of several threads, or steps of a
 * shutdown, share one budget instead of each waiting the full timeout.
 */
public final class Deadline {
    private final long deadlineNanos;

    private Deadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    /** The deadline {@code timeout} from now. */
    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    public boolean expired() {
        return deadlineNanos - System.nanoTime() <= 0;
    }

    /** Waits for {@code thread} to end until the deadline; returns whether it ended. */
    public boolean join(Thread thread) throws InterruptedException {
        // A thread made and not started yet (its starter is between the two steps) cannot be joined: wait for the
        // start, within the same deadline.
        while (thread.getState() == Thread.State.NEW) {
            if (deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
            Thread.sleep(1);
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return !thread.isAlive();
        }
        return thread.join(Duration.ofNanos(left));
    }

    /** Waits for every thread of {@code threads} to end until the deadline; returns whether they all did. */
    public boolean joinAll(Collection<Thread> threads) throws InterruptedException {
        boolean all = true;
        for (Thread t : threads) {
            all &= join(t);
        }
        return all;
    }
}
