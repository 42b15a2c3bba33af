package org.jlibp2p.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition without sleeping: whoever changes what a condition reads calls {@link #fire()}, and
 * {@link #await} re-checks the condition on each firing (and at least every {@value #RECHECK_MS} ms, for conditions
 * that change without one), up to a real-time limit.
 */
public final class Signal {
    static final long RECHECK_MS = 50;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    /** Wakes every waiter to re-check its condition. */
    public void fire() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code condition} holds, at most {@code timeout}; returns whether it did. */
    public boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            lock.lock();
            try {
                seen = generation;
            } finally {
                lock.unlock();
            }
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            lock.lock();
            try {
                if (generation == seen) {
                    changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(RECHECK_MS)), TimeUnit.NANOSECONDS);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** As {@link #await}, failing with an {@link AssertionError} that names {@code what} when time runs out. */
    public void require(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        if (!await(condition, timeout)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
    }
}
