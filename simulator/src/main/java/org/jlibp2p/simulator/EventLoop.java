package org.jlibp2p.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.Scheduler;

/**
 * A discrete-event loop on a virtual clock: one thread, events ordered by (time, sequence number), so that the same
 * schedule of calls gives the same order of events. Time starts at zero nanoseconds, {@link #EPOCH} as an instant.
 */
final class EventLoop implements Scheduler {
    /** What {@link #now()} reads at time zero. */
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private static final class Event implements Comparable<Event>, Cancellable {
        final long at;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Event(long at, long seq, Runnable task) {
            this.at = at;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            boolean was = !cancelled;
            cancelled = true;
            return was;
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private long executed;

    @Override
    public Instant now() {
        return EPOCH.plusNanos(now);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        return at(now + Math.max(0, delay.toNanos()), task);
    }

    /** Runs {@code task} at absolute time {@code atNanos} (not before now). */
    Cancellable at(long atNanos, Runnable task) {
        Event e = new Event(Math.max(now, atNanos), seq++, task);
        queue.add(e);
        return e;
    }

    /** Runs {@code task} after {@code delayNanos}. */
    Cancellable after(long delayNanos, Runnable task) {
        return at(now + Math.max(0, delayNanos), task);
    }

    /**
     * Runs events in order until none is left before {@code untilNanos} (the clock then stands there) or
     * {@code maxEvents} have run in this call; returns how many ran.
     */
    long runUntil(long untilNanos, long maxEvents) {
        long ran = 0;
        while (ran < maxEvents) {
            Event e = queue.peek();
            if (e == null || e.at > untilNanos) {
                break;
            }
            queue.poll();
            if (e.cancelled) {
                continue;
            }
            now = e.at;
            e.task.run();
            ran++;
        }
        if (ran < maxEvents && untilNanos > now) {
            now = untilNanos;
        }
        executed += ran;
        return ran;
    }

    long executed() {
        return executed;
    }

    int pending() {
        return queue.size();
    }

    static long seconds(double s) {
        return (long) (s * 1e9);
    }
}
