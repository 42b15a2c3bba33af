package org.jlibp2p.muxer.mplex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.util.TaskGroup;
import org.jlibp2p.muxer.testing.Transfer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An mplex session on the node's threads: what happens when the node's thread factory refuses, and after close. */
@Timeout(20)
class MplexThreadsTest {
    private final ManualScheduler clock = new ManualScheduler();

    @Test
    void aFactoryThatRefusesFailsTheStartAndClosesTheConnection() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        SessionClosedException e = assertThrows(SessionClosedException.class,
                () -> new Mplex().start(pipe.b(), false, clock, task -> null));
        assertTrue(e.getMessage().contains("node is closing"), e.getMessage());
        assertEquals(-1, pipe.a().input().read(), "the remote sees the connection end, and nothing was sent");
    }

    @Test
    void aFactoryThatRefusesAfterTheFirstThreadLeavesNoThreadBehind() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        TaskGroup group = new TaskGroup("closing-node");
        AtomicInteger asked = new AtomicInteger();
        ThreadFactory firstOnly = task -> asked.getAndIncrement() == 0 ? group.newThread(task) : null;
        assertThrows(SessionClosedException.class, () -> new Mplex().start(pipe.b(), false, clock, firstOnly));
        assertTrue(group.awaitIdle(Duration.ofSeconds(5)), "the thread handed out ran and ended: " + group);
        assertEquals(-1, pipe.a().input().read());
    }

    @Test
    void noThreadOfTheSessionOutlivesIt() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        TaskGroup group = new TaskGroup("node");
        Mplex mplex = new Mplex(MplexConfig.DEFAULT.withStreamLimits(1, 1000, 1000));
        MplexSession client = mplex.start(pipe.a(), true, clock, group);
        MplexSession server = mplex.start(pipe.b(), false, clock, group);
        try {
            Transfer.checked(client, server, 1 << 20);
            Transfer.checked(server, client, 1 << 20);
            // A second stream waiting to be accepted is past the backlog of one: the server's reset sender refuses it.
            client.openStream();
            MuxedStream refused = client.openStream();
            assertThrows(StreamResetException.class, () -> refused.input().read());
            assertEquals(4, group.active(), "a reader and a reset sender each");
        } finally {
            client.close();
            server.close();
        }
        assertTrue(group.awaitIdle(Duration.ofSeconds(5)), "threads outlived the sessions: " + group);
        assertEquals(0, clock.pendingTasks(), "mplex keeps no timers");
    }
}
