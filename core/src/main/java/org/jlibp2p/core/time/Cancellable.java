package org.jlibp2p.core.time;

/** A scheduled task that may still be called off. */
@FunctionalInterface
public interface Cancellable {
    /** Calls the task off if it has not started; returns whether this call cancelled it. Idempotent. */
    boolean cancel();

    /** A task that was never scheduled: cancelling it does nothing. */
    Cancellable NONE = () -> false;
}
