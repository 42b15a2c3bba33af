package org.jlibp2p.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.SendQueue;
import org.jlibp2p.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A handler's bounded send queue, driven through a fake handler context and in-memory streams. */
@Timeout(20)
class SendQueueTest {
    private final FakeConnection conn = FakeConnection.to(PeerId.fromPublicKey(Keys.generateEd25519().publicKey()),
            Keys.generateEd25519());
    private final List<PipeStreams.Pair> opened = new ArrayList<>();
    private final FakeHandlerContext context = new FakeHandlerContext(conn, new ManualScheduler()).streams(p -> {
        PipeStreams.Pair pair = PipeStreams.outbound(conn, p.getFirst());
        opened.add(pair);
        return pair.local();
    });
    private final SendQueue<String> queue = new SendQueue<>(context, List.of("/test/lines/1.0.0"), 3,
            (line, out) -> out.write((line + "\n").getBytes(StandardCharsets.UTF_8)));

    private static BufferedReader reader(PipeStreams.Pair p) {
        return new BufferedReader(new InputStreamReader(p.remote().input(), StandardCharsets.UTF_8));
    }

    @Test
    void sendsInOrderOnOneStreamAndDropsWhatDoesNotFit() throws Exception {
        assertTrue(queue.offer("a"));
        assertTrue(queue.offer("b"));
        assertTrue(queue.offer("c"));
        assertFalse(queue.offer("d"), "the fourth does not fit a queue of three");
        assertEquals(1, queue.dropped());
        assertEquals(1, context.pendingTasks().size(), "one drainer, however many messages");
        context.runSpawned();
        assertTrue(queue.offer("e"));
        context.runSpawned();
        assertEquals(1, opened.size(), "one stream for all of them");
        BufferedReader in = reader(opened.getFirst());
        assertEquals(List.of("a", "b", "c", "e"), List.of(in.readLine(), in.readLine(), in.readLine(), in.readLine()));
        assertEquals(0, queue.size());
    }

    @Test
    void aFailedStreamCostsWhatWasQueuedAndTheNextMessageOpensAnother() throws Exception {
        queue.offer("lost");
        context.runSpawned();
        opened.getFirst().remote().reset(); // the peer resets the stream
        queue.offer("x");
        queue.offer("y");
        context.runSpawned();
        assertEquals(1, queue.failures());
        assertTrue(queue.dropped() >= 1, "what was queued when the stream failed is dropped");
        queue.offer("again");
        context.runSpawned();
        assertEquals(2, opened.size(), "a new stream after the failure");
        assertEquals("again", reader(opened.getLast()).readLine());
    }

    @Test
    void nothingIsQueuedForAClosedConnection() {
        conn.close();
        assertFalse(queue.offer("late"));
        assertTrue(context.pendingTasks().isEmpty());
    }
}
