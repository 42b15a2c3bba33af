package org.jlibp2p.muxer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.jlibp2p.core.io.BufferPool;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.muxer.ReceiveBudget;
import org.junit.jupiter.api.Test;

class SegmentQueueTest {
    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void lentBuffersGoBackToTheirPoolOnceReadAndTheBudgetFollows() {
        BufferPool pool = new BufferPool(100, 4);
        ReceiveBudget budget = new ReceiveBudget(1000);
        SegmentQueue queue = new SegmentQueue(budget);
        byte[] lent = pool.take();
        System.arraycopy(counting(100), 0, lent, 0, 100);
        queue.add(Segment.of(new byte[] {-1, -2}));
        queue.add(Segment.lent(lent, 10, 60, pool));
        assertEquals(62, queue.size());
        assertEquals(62, budget.used());

        byte[] out = new byte[40];
        assertEquals(40, queue.read(out, 0, 40));
        assertArrayEquals(new byte[] {-1, -2}, Arrays.copyOf(out, 2));
        assertArrayEquals(Arrays.copyOfRange(counting(100), 10, 48), Arrays.copyOfRange(out, 2, 40));
        assertEquals(0, pool.pooled(), "still partly unread");
        assertEquals(22, queue.read(out, 0, 40));
        assertArrayEquals(Arrays.copyOfRange(counting(100), 48, 70), Arrays.copyOf(out, 22));
        assertEquals(1, pool.pooled(), "read to its end: back in the pool");
        assertEquals(0, budget.used());
        assertEquals(0, queue.read(out, 0, 40));
    }

    @Test
    void clearingGivesBackEveryLentBuffer() {
        BufferPool pool = new BufferPool(100, 4);
        ReceiveBudget budget = new ReceiveBudget(1000);
        SegmentQueue queue = new SegmentQueue(budget);
        queue.add(Segment.lent(pool.take(), 0, 100, pool));
        queue.add(Segment.lent(pool.take(), 50, 50, pool));
        queue.add(Segment.lent(pool.take(), 0, 0, pool)); // empty: released at once
        assertEquals(1, pool.pooled());
        queue.read(new byte[10], 0, 10);
        queue.clear();
        assertEquals(3, pool.pooled());
        assertEquals(0, budget.used());
        assertEquals(0, queue.size());
    }
}
