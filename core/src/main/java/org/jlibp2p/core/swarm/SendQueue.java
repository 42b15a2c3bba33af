package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A handler's bounded queue of messages to its peer, drained into one long-lived outbound stream: the shape of
 * Gossipsub's RPC stream and of any protocol that pushes messages to each connected peer. {@link #offer} never
 * blocks (a message that does not fit is dropped and counted, so a slow peer costs itself, not the sender); a thread
 * of the connection opens the stream on first use and writes what is queued, flushing when the queue runs empty.
 * When writing fails the stream is reset, what is queued is dropped, and the next message opens a new stream; when
 * the connection closes, so does the stream. Thread-safe.
 *
 * @param <T> the message type
 */
public final class SendQueue<T> {
    /** Writes one message (framed as the protocol frames it) to the stream. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(T message, OutputStream out) throws IOException;
    }

    private final HandlerContext context;
    private final List<String> protocols;
    private final int capacity;
    private final Writer<T> writer;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private boolean draining; // guarded by this
    private volatile Stream stream; // used by the draining thread only, one drainer at a time

    /**
     * A queue of at most {@code capacity} messages for the peer of {@code context}, sent on a stream negotiating the
     * first of {@code protocols} the peer supports.
     */
    public SendQueue(HandlerContext context, List<String> protocols, int capacity, Writer<T> writer) {
        if (capacity < 1 || protocols.isEmpty()) {
            throw new IllegalArgumentException("a send queue needs a capacity and a protocol");
        }
        this.context = context;
        this.protocols = List.copyOf(protocols);
        this.capacity = capacity;
        this.writer = writer;
    }

    /** Queues {@code message}; false (and counted) when the queue is full or the connection closed. Never blocks. */
    public boolean offer(T message) {
        synchronized (this) {
            if (queue.size() >= capacity || !context.connection().isOpen()) {
                dropped.incrementAndGet();
                return false;
            }
            queue.add(message);
            if (draining) {
                return true;
            }
            draining = true;
        }
        context.spawn("send-queue-" + context.connection().id(), this::drain);
        return true;
    }

    /** Messages waiting. */
    public synchronized int size() {
        return queue.size();
    }

    /** Messages dropped so far: offered to a full queue, or queued when the stream failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Streams that failed while sending. */
    public long failures() {
        return failures.get();
    }

    private void drain() {
        try {
            while (true) {
                T next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
                if (stream == null) {
                    stream = context.openStream(protocols);
                }
                OutputStream out = stream.output();
                writer.write(next, out);
                boolean empty;
                synchronized (this) {
                    empty = queue.isEmpty();
                }
                if (empty) {
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            if (stream != null) {
                stream.reset();
                stream = null;
            }
            synchronized (this) {
                dropped.addAndGet(queue.size());
                queue.clear();
                draining = false;
            }
        }
    }
}
