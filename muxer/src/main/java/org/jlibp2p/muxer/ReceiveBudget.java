package org.jlibp2p.muxer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes received and not read yet by the application, against a limit. Every muxer session keeps one for the sum
 * over its streams (each stream's buffer counts what it holds); the session's reader asks {@link #hasRoomFor(long)}
 * before it buffers a payload, and resets the stream instead when there is none. Flow control bounds each stream; a
 * session's budget bounds their sum, which a remote opening many streams and filling each window could otherwise
 * drive to the window times the stream limit.
 *
 * <p>A session's budget has a parent, the node's: one budget shared by every session of a muxer ({@code new
 * Yamux(config, budget)}, {@code new Mplex(config, budget)}), so that many connections together cannot hold more than
 * it either. {@link #forNode()} is the default a muxer makes for itself; give two muxers of one node the same budget
 * to bound both together.
 *
 * <p>Thread-safe: a session's reader adds, application threads release.
 */
public final class ReceiveBudget {
    /** The default node-wide limit: a quarter of the maximum heap, at most 1 GiB. */
    public static final long MAX_DEFAULT_NODE_LIMIT = 1L << 30;

    private final long limit;
    private final ReceiveBudget parent;
    private final AtomicLong used = new AtomicLong();

    /** A budget of {@code limit} bytes with no parent: a node's, or a standalone session's. */
    public ReceiveBudget(long limit) {
        this(limit, null);
    }

    /** A budget of {@code limit} bytes whose bytes also count against {@code parent} (may be null). */
    public ReceiveBudget(long limit, ReceiveBudget parent) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the receive budget must be positive: " + limit);
        }
        this.limit = limit;
        this.parent = parent;
    }

    /** A node-wide budget of the default size: a quarter of this JVM's maximum heap, at most 1 GiB. */
    public static ReceiveBudget forNode() {
        return new ReceiveBudget(Math.min(MAX_DEFAULT_NODE_LIMIT, Runtime.getRuntime().maxMemory() / 4));
    }

    /** A budget that never runs out, for streams whose session sets none. */
    public static ReceiveBudget unlimited() {
        return new ReceiveBudget(Long.MAX_VALUE);
    }

    /** Whether {@code n} more bytes may be buffered now, here and in the parent. */
    public boolean hasRoomFor(long n) {
        return n <= limit - used.get() && (parent == null || parent.hasRoomFor(n));
    }

    /** Bytes buffered now against this budget. */
    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }

    /** The budget this one's bytes also count against, or null. */
    public ReceiveBudget parent() {
        return parent;
    }

    /** Counts {@code n} bytes buffered, here and in the parent. For muxer implementations. */
    public void add(long n) {
        used.addAndGet(n);
        if (parent != null) {
            parent.add(n);
        }
    }

    /** Counts {@code n} buffered bytes as read or dropped, here and in the parent. For muxer implementations. */
    public void release(long n) {
        if (n != 0) {
            used.addAndGet(-n);
            if (parent != null) {
                parent.release(n);
            }
        }
    }

    /** What is held against this budget and its parent, for messages. */
    public String describe() {
        String self = used() + " of " + limit + " bytes";
        return parent == null ? self : self + " (the node's budget: " + parent.describe() + ")";
    }
}
