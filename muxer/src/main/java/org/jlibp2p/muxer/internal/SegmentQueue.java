package org.jlibp2p.muxer.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.muxer.ReceiveBudget;

/**
 * The receive buffer of one stream: the payloads of frames as they arrived, read in order without copying them
 * again. A payload may be a buffer lent by the connection's input ({@link Segment#lent}); it goes back to its pool
 * once read, or when the queue is cleared. What the queue holds counts against its session's {@link ReceiveBudget}.
 * Not thread-safe; its owner guards it.
 */
public final class SegmentQueue {
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final ReceiveBudget budget;
    /** Bytes of the head segment already read. */
    private int headRead;
    private long size;

    public SegmentQueue() {
        this(ReceiveBudget.unlimited());
    }

    public SegmentQueue(ReceiveBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /** Appends a whole array; the queue takes ownership of it. Empty arrays are ignored. */
    public void add(byte[] segment) {
        add(Segment.of(segment));
    }

    /** Appends a segment; the queue takes ownership of it. An empty one is released at once. */
    public void add(Segment segment) {
        if (segment.length() == 0) {
            segment.release();
            return;
        }
        segments.addLast(segment);
        size += segment.length();
        budget.add(segment.length());
    }

    /** Copies up to {@code len} bytes into {@code dst}; returns how many (0 if the queue is empty). */
    public int read(byte[] dst, int off, int len) {
        int total = 0;
        while (total < len && !segments.isEmpty()) {
            Segment head = segments.peekFirst();
            int n = Math.min(len - total, head.length() - headRead);
            System.arraycopy(head.array(), head.offset() + headRead, dst, off + total, n);
            total += n;
            headRead += n;
            if (headRead == head.length()) {
                segments.pollFirst();
                head.release();
                headRead = 0;
            }
        }
        size -= total;
        budget.release(total);
        return total;
    }

    /** Bytes buffered. */
    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Drops everything buffered. */
    public void clear() {
        budget.release(size);
        for (Segment s : segments) {
            s.release();
        }
        segments.clear();
        headRead = 0;
        size = 0;
    }
}
