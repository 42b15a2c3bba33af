package org.jlibp2p.core.time;

import java.time.Duration;

/** A task run every period on a {@link Scheduler}, each run scheduled when the previous one ends. */
final class Repeating implements Cancellable {
    private final Scheduler scheduler;
    private final Duration period;
    private final Runnable task;
    private Cancellable next = Cancellable.NONE;
    private boolean cancelled;

    Repeating(Scheduler scheduler, Duration period, Runnable task) {
        this.scheduler = scheduler;
        this.period = period;
        this.task = task;
    }

    Repeating start() {
        arm();
        return this;
    }

    private synchronized void arm() {
        if (!cancelled) {
            next = scheduler.schedule(period, this::run);
        }
    }

    private void run() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
        }
        try {
            task.run();
        } finally {
            arm();
        }
    }

    @Override
    public boolean cancel() {
        Cancellable n;
        synchronized (this) {
            if (cancelled) {
                return false;
            }
            cancelled = true;
            n = next;
        }
        n.cancel();
        return true;
    }
}
