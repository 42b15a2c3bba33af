package org.jlibp2p.core.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DeadlineTest {
    @Test
    void aThreadNotStartedYetIsWaitedForWithinTheDeadlineNotRefused() throws Exception {
        Thread never = Thread.ofVirtual().unstarted(() -> { });
        assertFalse(Deadline.after(Duration.ofMillis(50)).join(never), "never started: not ended");
        Thread late = Thread.ofVirtual().unstarted(() -> { });
        Thread starter = Thread.ofVirtual().start(late::start);
        assertTrue(Deadline.after(Duration.ofSeconds(5)).joinAll(List.of(late, starter)));
    }

    @Test
    void aTaskGroupClosingWhileAThreadIsMadeButNotStartedEndsCleanly() throws Exception {
        TaskGroup g = new TaskGroup("test");
        Thread made = g.newThread(() -> { });
        Thread starter = Thread.ofVirtual().start(made::start);
        assertTrue(g.close(Duration.ofSeconds(5)));
        starter.join();
        assertTrue(g.active() == 0);
    }
}
