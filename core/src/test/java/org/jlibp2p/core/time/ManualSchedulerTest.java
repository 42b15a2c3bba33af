package org.jlibp2p.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
    @Test
    void timeMovesOnlyWhenAdvancedAndTasksRunInDueOrderAtTheirOwnTime() {
        ManualScheduler s = new ManualScheduler();
        List<String> ran = new ArrayList<>();
        s.schedule(Duration.ofSeconds(3), () -> ran.add("c@" + s.elapsed().toSeconds()));
        s.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + s.elapsed().toSeconds()));
        s.schedule(Duration.ofSeconds(1), () -> ran.add("b@" + s.elapsed().toSeconds()));
        assertEquals(0, s.nanoTime());
        assertEquals(ManualScheduler.DEFAULT_START, s.now());
        assertEquals(2, s.advance(Duration.ofSeconds(2)));
        assertEquals(List.of("a@1", "b@1"), ran, "equal due times run in the order they were scheduled");
        assertEquals(Duration.ofSeconds(2), s.elapsed());
        assertEquals(ManualScheduler.DEFAULT_START.plusSeconds(2), s.now());
        assertEquals(1, s.advance(Duration.ofSeconds(5)));
        assertEquals(List.of("a@1", "b@1", "c@3"), ran);
        assertEquals(Duration.ofSeconds(7), s.elapsed());
    }

    @Test
    void tasksScheduledByTasksWithinTheAdvanceRunInIt() {
        ManualScheduler s = new ManualScheduler();
        List<Long> ran = new ArrayList<>();
        s.schedule(Duration.ofSeconds(1), () -> {
            ran.add(s.elapsed().toSeconds());
            s.schedule(Duration.ofSeconds(1), () -> ran.add(s.elapsed().toSeconds()));
            s.schedule(Duration.ofSeconds(10), () -> ran.add(s.elapsed().toSeconds()));
        });
        s.advance(Duration.ofSeconds(5));
        assertEquals(List.of(1L, 2L), ran);
        assertEquals(1, s.pendingTasks());
        assertEquals(Duration.ofSeconds(6), s.nextDue().orElseThrow());
    }

    @Test
    void cancelledTasksNeverRunAndRepeatingTasksStopWhenCancelled() {
        ManualScheduler s = new ManualScheduler();
        List<Long> ran = new ArrayList<>();
        Cancellable once = s.schedule(Duration.ofSeconds(1), () -> ran.add(-1L));
        assertTrue(once.cancel());
        assertFalse(once.cancel(), "cancelling twice reports nothing new");
        Cancellable every = s.every(Duration.ofSeconds(2), () -> ran.add(s.elapsed().toSeconds()));
        s.advance(Duration.ofSeconds(7));
        assertEquals(List.of(2L, 4L, 6L), ran);
        assertTrue(every.cancel());
        s.advance(Duration.ofSeconds(10));
        assertEquals(List.of(2L, 4L, 6L), ran);
        assertEquals(0, s.pendingTasks());
    }

    @Test
    void aRepeatingTaskCancelledFromItsOwnRunStops() {
        ManualScheduler s = new ManualScheduler();
        List<Long> ran = new ArrayList<>();
        Cancellable[] self = new Cancellable[1];
        self[0] = s.every(Duration.ofSeconds(1), () -> {
            ran.add(s.elapsed().toSeconds());
            if (ran.size() == 2) {
                self[0].cancel();
            }
        });
        s.advance(Duration.ofSeconds(10));
        assertEquals(List.of(1L, 2L), ran);
        assertEquals(0, s.pendingTasks());
    }

    @Test
    void timeDoesNotGoBack() {
        assertThrows(IllegalArgumentException.class, () -> new ManualScheduler().advance(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new ManualScheduler().every(Duration.ZERO, () -> { }));
    }

    @Test
    void theSystemSchedulerRunsTasksAndDropsThemWhenClosed() throws Exception {
        try (SystemScheduler s = new SystemScheduler("test")) {
            java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
            s.schedule(Duration.ofMillis(10), ran::countDown);
            Cancellable never = s.schedule(Duration.ofHours(1), () -> { });
            assertTrue(ran.await(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(1, s.pendingTasks());
            assertTrue(never.cancel());
            assertEquals(0, s.pendingTasks());
            s.close();
            assertEquals(Cancellable.NONE, s.schedule(Duration.ZERO, () -> { }), "closed: nothing is scheduled");
        }
    }
}
