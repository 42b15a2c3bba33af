package org.jlibp2p.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real clock, with timers run by one virtual thread of its own (an idle scheduler costs no platform thread).
 * Each swarm creates one unless given one, and closes what it created; nothing is shared between nodes unless the
 * caller passes the same scheduler to several.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SystemScheduler.class.getName());

    private final ScheduledThreadPoolExecutor timer;

    /** A scheduler whose thread is named {@code name}. */
    public SystemScheduler(String name) {
        timer = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name(name).factory());
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    public SystemScheduler() {
        this("scheduler");
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f;
        try {
            f = timer.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "scheduled task failed", e);
                }
            }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return Cancellable.NONE;
        }
        return () -> f.cancel(false);
    }

    /** Tasks waiting for their time. */
    public int pendingTasks() {
        return timer.getQueue().size();
    }

    /** Drops every pending task and ends the timer thread. Idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
