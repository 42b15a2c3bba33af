package org.jlibp2p.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A clock that moves only when told to: {@link #advance(Duration)} runs the tasks that fall due, in order of due time
 * and, at equal times, in the order they were scheduled, on the caller's thread. Time stands still in between, so a
 * round-trip measured on it over an in-memory network is zero and a timeout fires only when the test says so.
 * One instance may drive every node of a test or a simulation. Thread-safe.
 */
public final class ManualScheduler implements Scheduler {
    /** Where a manual clock starts unless told otherwise: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final Instant epoch;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long nanos;
    private long sequence;

    private final class Task implements Comparable<Task>, Cancellable {
        final long due;
        final long seq;
        final Runnable body;
        boolean cancelled;

        Task(long due, long seq, Runnable body) {
            this.due = due;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            synchronized (ManualScheduler.this) {
                if (cancelled || !queue.remove(this)) {
                    return false;
                }
                cancelled = true;
                return true;
            }
        }
    }

    public ManualScheduler(Instant start) {
        this.epoch = start;
    }

    public ManualScheduler() {
        this(DEFAULT_START);
    }

    @Override
    public synchronized Instant now() {
        return epoch.plusNanos(nanos);
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    /** Time moved so far. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(nanos + Math.max(0, delay.toNanos()), sequence++, task);
        queue.add(t);
        return t;
    }

    /** Tasks waiting for their time. */
    public synchronized int pendingTasks() {
        return queue.size();
    }

    /** When the next task falls due, if any is pending. */
    public synchronized java.util.Optional<Duration> nextDue() {
        Task t = queue.peek();
        return t == null ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(t.due - nanos));
    }

    /**
     * Moves time forward by {@code by}, running every task due up to the new time (including tasks those tasks
     * schedule within it), each at its own due time. Returns how many tasks ran.
     */
    public int advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + by);
        }
        long target;
        synchronized (this) {
            target = nanos + by.toNanos();
        }
        int ran = 0;
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.due > target) {
                    nanos = Math.max(nanos, target);
                    return ran;
                }
                queue.poll();
                nanos = Math.max(nanos, t.due);
            }
            t.body.run();
            ran++;
        }
    }

    /** Runs the tasks due now (scheduled with no delay) without moving time. */
    public int runDue() {
        return advance(Duration.ZERO);
    }
}
