package org.jlibp2p.core.testing;

import java.util.concurrent.TimeUnit;

/**
 * Proof that a thread is blocked, for tests that check what wakes a blocked call: instead of sleeping and hoping the
 * thread got there, they wait (bounded) until its state says it is parked.
 */
public final class Blocking {
    private Blocking() {}

    /**
     * Waits up to 5 s until {@code thread} is {@link Thread.State#WAITING} or {@link Thread.State#TIMED_WAITING}
     * (a virtual thread blocked on a lock, a condition or a socket parks), and fails if it ends or never blocks.
     */
    public static void awaitBlocked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                return;
            }
            if (state == Thread.State.TERMINATED) {
                throw new AssertionError(thread + " ended instead of blocking");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread + " did not block within 5 s: " + state);
            }
            Thread.sleep(1);
        }
    }
}
