package org.jlibp2p.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskGroupTest {
    @Test
    void closeInterruptsAndWaitsForEveryThreadThenRefusesNewOnes() throws Exception {
        TaskGroup g = new TaskGroup("test");
        CountDownLatch started = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            g.start("sleeper-" + i, () -> {
                started.countDown();
                try {
                    Thread.sleep(Duration.ofHours(1));
                } catch (InterruptedException e) {
                    // interrupted by close: end
                }
            });
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));
        assertEquals(3, g.active());
        assertTrue(g.close(Duration.ofSeconds(5)));
        assertEquals(0, g.active());
        assertThrows(RejectedExecutionException.class, () -> g.start("late", () -> { }));
        assertNull(g.newThread(() -> { }), "a closed group, as a thread factory, refuses");
    }

    @Test
    void finishedThreadsLeaveTheGroupAndAFailingTaskCostsOnlyItself() throws Exception {
        TaskGroup g = new TaskGroup("test");
        Thread t = g.start("fails", () -> {
            throw new IllegalStateException("boom");
        });
        t.join(5000);
        Thread ok = g.start("works", () -> { });
        ok.join(5000);
        assertTrue(g.awaitIdle(Duration.ofSeconds(5)));
        assertEquals(0, g.active());
    }
}
