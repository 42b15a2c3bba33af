package org.jlibp2p.muxer.internal;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The receive buffer of one stream: the payload arrays of frames as they arrived, read in order without copying
 * them again. What it holds counts against its session's {@link ReceiveBudget}. Not thread-safe; its owner guards
 * it.
 */
public final class SegmentQueue {
    private final ArrayDeque<byte[]> segments = new ArrayDeque<>();
    private final ReceiveBudget budget;
    private int headOffset;
    private long size;

    public SegmentQueue() {
        this(ReceiveBudget.unlimited());
    }

    public SegmentQueue(ReceiveBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /** Appends a whole array; the queue takes ownership of it. Empty arrays are ignored. */
    public void add(byte[] segment) {
        if (segment.length > 0) {
            segments.addLast(segment);
            size += segment.length;
            budget.add(segment.length);
        }
    }

    /** Copies up to {@code len} bytes into {@code dst}; returns how many (0 if the queue is empty). */
    public int read(byte[] dst, int off, int len) {
        int total = 0;
        while (total < len && !segments.isEmpty()) {
            byte[] head = segments.peekFirst();
            int n = Math.min(len - total, head.length - headOffset);
            System.arraycopy(head, headOffset, dst, off + total, n);
            total += n;
            headOffset += n;
            if (headOffset == head.length) {
                segments.pollFirst();
                headOffset = 0;
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
        segments.clear();
        headOffset = 0;
        size = 0;
    }
}
