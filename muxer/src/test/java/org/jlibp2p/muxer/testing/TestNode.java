package org.jlibp2p.muxer.testing;

import java.time.Duration;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.time.SystemScheduler;
import org.jlibp2p.core.util.TaskGroup;

/**
 * What a node hands its muxers, for one test: a scheduler on the real clock and a group of tracked threads. Closing
 * it (after the sessions) interrupts what is left of the group and fails if a thread outlives that.
 */
public final class TestNode implements AutoCloseable {
    private final SystemScheduler scheduler = new SystemScheduler("test-scheduler");
    private final TaskGroup threads = new TaskGroup("test-node");

    public Scheduler scheduler() {
        return scheduler;
    }

    public TaskGroup threads() {
        return threads;
    }

    @Override
    public void close() {
        boolean ended = threads.close(Duration.ofSeconds(5));
        scheduler.close();
        if (!ended) {
            throw new AssertionError("threads outlived the test: " + threads);
        }
    }
}
