package org.jlibp2p.core.swarm;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's channel of a swarm's events ({@link Swarm#subscribe}): the swarm's own events and every
 * behaviour's output ({@link SwarmEvent.Emitted}), in the order the behaviours see them. A subscriber that falls more
 * than its capacity behind misses events (counted by {@link #missed()}) rather than holding the node up; a component
 * that must see every event is a {@link Behaviour}.
 */
public final class EventSubscription implements AutoCloseable {
    private final ArrayBlockingQueue<SwarmEvent> queue;
    private final AtomicLong missed = new AtomicLong();
    private final Runnable unsubscribe;
    private volatile boolean closed;

    EventSubscription(int capacity, java.util.function.Consumer<EventSubscription> unsubscribe) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.unsubscribe = () -> unsubscribe.accept(this);
    }

    void offer(SwarmEvent e) {
        if (!closed && !queue.offer(e)) {
            missed.incrementAndGet();
        }
    }

    /** The next event, waiting at most {@code timeout}; empty when none came. */
    public Optional<SwarmEvent> poll(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The next event, waiting as long as it takes. */
    public SwarmEvent take() throws InterruptedException {
        return queue.take();
    }

    /** The next event of {@code type} within {@code timeout}, skipping others; empty if none came in time. */
    public <T extends SwarmEvent> Optional<T> next(Class<T> type, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            SwarmEvent e = queue.poll(left, TimeUnit.NANOSECONDS);
            if (type.isInstance(e)) {
                return Optional.of(type.cast(e));
            }
        }
    }

    /** Events dropped because this subscriber was full. */
    public long missed() {
        return missed.get();
    }

    /** Stops receiving. Idempotent. */
    @Override
    public void close() {
        closed = true;
        unsubscribe.run();
        queue.clear();
    }
}
