package org.jlibp2p.gossipsub;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscription to one topic: the messages delivered to it wait in a bounded buffer for {@link #next}; when the
 * reader falls behind, new messages are dropped (and counted) rather than held without bound. Thread-safe.
 */
public final class Subscription implements AutoCloseable {
    private final String topic;
    private final ArrayBlockingQueue<GossipsubEvent.Received> buffer;
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable onClose;
    private volatile boolean closed;

    Subscription(String topic, int capacity, Runnable onClose) {
        this.topic = topic;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.onClose = onClose;
    }

    public String topic() {
        return topic;
    }

    /** Called on the behaviour's thread; never blocks. */
    void offer(GossipsubEvent.Received message) {
        if (closed || !buffer.offer(message)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * The next message, waiting at most {@code timeout}; empty when none came in time or the subscription is
     * closed and drained.
     */
    public Optional<GossipsubEvent.Received> next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            GossipsubEvent.Received r = buffer.poll();
            if (r != null) {
                return Optional.of(r);
            }
            long left = deadline - System.nanoTime();
            if (closed || left <= 0) {
                return Optional.empty();
            }
            // wake at least every 100 ms to notice a close
            r = buffer.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            if (r != null) {
                return Optional.of(r);
            }
        }
    }

    /** A message already waiting, if any. */
    public Optional<GossipsubEvent.Received> poll() {
        return Optional.ofNullable(buffer.poll());
    }

    /** Messages waiting. */
    public int buffered() {
        return buffer.size();
    }

    /** Messages dropped because the buffer was full. */
    public long dropped() {
        return dropped.get();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Ends the subscription; the node leaves the topic when its last subscription closes. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }

    void closeQuietly() {
        closed = true;
    }
}
