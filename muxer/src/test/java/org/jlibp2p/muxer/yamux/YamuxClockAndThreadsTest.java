package org.jlibp2p.muxer.yamux;

import static org.jlibp2p.muxer.yamux.YamuxTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.testing.Background;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.util.TaskGroup;
import org.jlibp2p.muxer.testing.RawPeer;
import org.jlibp2p.muxer.testing.TestNode;
import org.jlibp2p.muxer.testing.Transfer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Yamux session on the node's clock and threads: keep-alive pings driven by a {@link ManualScheduler}, window
 * tuning when time stands still, and what happens when the node's thread factory refuses.
 */
@Timeout(20)
class YamuxClockAndThreadsTest {
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final TestNode node = new TestNode();
    private final ManualScheduler clock = new ManualScheduler();

    @AfterEach
    void closeAll() throws Exception {
        try {
            for (AutoCloseable c : toClose) {
                c.close();
            }
        } finally {
            node.close();
        }
    }

    /** A session on the manual clock, its remote a raw peer driven by the test. */
    private YamuxSession rawSession(RawPeer[] peer, ThreadFactory threads) throws IOException {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        peer[0] = new RawPeer(pipe.a());
        toClose.add(peer[0]);
        YamuxSession session = new Yamux(YamuxConfig.DEFAULT.withKeepAliveInterval(INTERVAL))
                .start(pipe.b(), false, clock, threads);
        toClose.add(session);
        return session;
    }

    private static String ping(int id) {
        return String.format("000200010000000000%06x", id);
    }

    private static String pong(int id) {
        return String.format("000200020000000000%06x", id);
    }

    /** Every frame the session sent to {@code peer}, as hex: here they are all bare 12-byte headers. */
    private static List<String> frames(RawPeer peer) {
        byte[] sent = peer.received();
        List<String> frames = new ArrayList<>();
        for (int at = 0; at + Header.SIZE <= sent.length; at += Header.SIZE) {
            frames.add(HexFormat.of().formatHex(sent, at, at + Header.SIZE));
        }
        return frames;
    }

    /**
     * Answers the session's ping {@code id}, then waits until the session has read the answer: it answers a ping of
     * ours sent right after, and frames are read in order.
     */
    private static void answerPing(RawPeer peer, int id) throws Exception {
        int marker = 0xabc000 + id;
        peer.send(pong(id) + ping(marker));
        waitUntil(() -> frames(peer).contains(pong(marker)));
    }

    // ------------------------------------------------------------------------------------------------ keep-alive

    @Test
    void keepAlivePingsGoOutWhenTheManualClockReachesTheInterval() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer, node.threads());
        // The first ping goes out at start; time has not moved, so its round trip measures zero.
        waitUntil(() -> frames(peer[0]).contains(ping(0)));
        assertEquals(Optional.empty(), session.rtt());
        answerPing(peer[0], 0);
        assertEquals(Optional.of(Duration.ZERO), session.rtt());

        assertEquals(0, clock.advance(INTERVAL.minusMillis(1)), "nothing is due before the interval");
        assertEquals(1, clock.advance(Duration.ofMillis(1)), "the keep-alive task");
        waitUntil(() -> frames(peer[0]).contains(ping(1)));
        answerPing(peer[0], 1);
        assertEquals(Optional.of(Duration.ZERO), session.rtt());

        // The next interval: the answered ping is followed by another; this one is answered a quarter second
        // later on the session's clock.
        assertEquals(1, clock.advance(INTERVAL));
        waitUntil(() -> frames(peer[0]).contains(ping(2)));
        clock.advance(Duration.ofMillis(250));
        answerPing(peer[0], 2);
        assertEquals(Optional.of(Duration.ofMillis(250)), session.rtt());
        assertTrue(session.isOpen());
        assertEquals(Optional.of(INTERVAL.minusMillis(250)), clock.nextDue(), "the next keep-alive only");
    }

    @Test
    void aRemoteThatNeverAnswersLosesTheSessionAtTheNextInterval() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer, node.threads());
        waitUntil(() -> frames(peer[0]).contains(ping(0)));

        clock.advance(INTERVAL.minusMillis(1));
        assertTrue(session.isOpen());
        clock.advance(Duration.ofMillis(1));
        waitUntil(() -> !session.isOpen());
        assertTrue(session.closeReason().getMessage().contains("keep-alive ping unanswered"),
                session.closeReason().getMessage());
        peer[0].receivedUntilClosed();
        assertEquals(List.of(ping(0)), frames(peer[0]), "no ping after the unanswered one, and no go-away");
        assertEquals(0, clock.pendingTasks(), "the keep-alive timer is cancelled");
        assertThrows(SessionClosedException.class, session::acceptStream);
    }

    @Test
    void aKeepAlivePingStillUnansweredAtTheNextOneClosesTheSession() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer, node.threads());
        waitUntil(() -> frames(peer[0]).contains(ping(0)));
        answerPing(peer[0], 0);

        clock.advance(INTERVAL);
        waitUntil(() -> frames(peer[0]).contains(ping(1)));
        assertTrue(session.isOpen());
        clock.advance(INTERVAL);
        waitUntil(() -> !session.isOpen());
        assertTrue(session.closeReason().getMessage().contains("keep-alive ping unanswered"),
                session.closeReason().getMessage());
        assertEquals(0, clock.pendingTasks());
    }

    @Test
    void closingTheSessionCancelsItsKeepAliveTimer() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer, node.threads());
        assertEquals(1, clock.pendingTasks());
        session.close();
        assertEquals(0, clock.pendingTasks());
        assertEquals(0, clock.advance(INTERVAL.multipliedBy(3)));
    }

    // ------------------------------------------------------------------------------------------------ windows

    /** Reads a long transfer on a pair of sessions on the manual clock; returns the largest receive window seen. */
    private int largestWindowOfATransfer(Duration perRead) throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        Yamux yamux = new Yamux(YamuxConfig.DEFAULT.withMaxFrameSize(256 * 1024));
        YamuxSession client = yamux.start(pipe.a(), true, clock, node.threads());
        YamuxSession server = yamux.start(pipe.b(), false, clock, node.threads());
        toClose.add(client);
        toClose.add(server);
        waitUntil(() -> server.rtt().isPresent());
        assertEquals(Optional.of(Duration.ZERO), server.rtt());
        MuxedStream c = client.openStream();
        YamuxStream srv = server.acceptStream();
        int total = 32 << 20;
        Background<Void> writer = Background.run(() -> {
            c.output().write(new byte[total]);
            c.closeOutput();
        });
        int largest = 0;
        long read = 0;
        while (read < total) {
            read += srv.input().readNBytes(64 * 1024).length;
            largest = Math.max(largest, srv.receiveWindow());
            assertTrue(srv.bufferedBytes() <= srv.receiveWindow());
            if (!perRead.isZero()) {
                clock.advance(perRead);
            }
        }
        writer.join();
        assertEquals(-1, srv.input().read());
        return largest;
    }

    @Test
    void windowsStayPutWhileTheClockStandsStill() throws Exception {
        // A round trip of zero and no time between window updates: nothing says how fast the reader is.
        assertEquals(YamuxConfig.INITIAL_STREAM_WINDOW, largestWindowOfATransfer(Duration.ZERO));
    }

    @Test
    void windowsGrowWhenTheManualClockSaysUpdatesComeFast() throws Exception {
        // 0.1 ms of the session's clock per 64 KiB read: a window grows while half of it is read in under four
        // round trips (a round trip counting as at least 1 ms), so up to a few MiB, below the 16 MiB maximum.
        int largest = largestWindowOfATransfer(Duration.ofNanos(100_000));
        assertTrue(largest > YamuxConfig.INITIAL_STREAM_WINDOW, "window stayed at " + largest);
        assertTrue(largest < YamuxConfig.DEFAULT.maxStreamWindow(), "window grew to " + largest);
    }

    // ------------------------------------------------------------------------------------------------ threads

    @Test
    void aFactoryThatRefusesFailsTheStartAndClosesTheConnection() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        SessionClosedException e = assertThrows(SessionClosedException.class,
                () -> new Yamux().start(pipe.b(), false, clock, task -> null));
        assertTrue(e.getMessage().contains("node is closing"), e.getMessage());
        assertEquals(-1, pipe.a().input().read(), "the remote sees the connection end, and nothing was sent");
        assertEquals(0, clock.pendingTasks(), "no keep-alive timer");
    }

    @Test
    void aFactoryThatRefusesAfterTheFirstThreadLeavesNoThreadBehind() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        TaskGroup group = new TaskGroup("closing-node");
        AtomicInteger asked = new AtomicInteger();
        ThreadFactory firstOnly = task -> asked.getAndIncrement() == 0 ? group.newThread(task) : null;
        assertThrows(SessionClosedException.class, () -> new Yamux().start(pipe.b(), false, clock, firstOnly));
        assertTrue(group.awaitIdle(Duration.ofSeconds(5)), "the thread handed out ran and ended: " + group);
        assertEquals(-1, pipe.a().input().read());
        assertEquals(0, clock.pendingTasks());
    }

    @Test
    void noThreadToSendAReplyClosesTheSession() throws Exception {
        AtomicBoolean closing = new AtomicBoolean();
        ThreadFactory threads = task -> closing.get() ? null : node.threads().newThread(task);
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer, threads);
        waitUntil(() -> frames(peer[0]).contains(ping(0)));
        closing.set(true);
        peer[0].send(ping(0x77)); // the pong needs a thread to send it
        waitUntil(() -> !session.isOpen());
        assertTrue(session.closeReason().getMessage().contains("node is closing"),
                session.closeReason().getMessage());
        peer[0].receivedUntilClosed();
        assertFalse(frames(peer[0]).contains(pong(0x77)));
        assertEquals(0, clock.pendingTasks());
        assertTrue(node.threads().awaitIdle(Duration.ofSeconds(5)), node.threads().toString());
    }

    @Test
    void noThreadForAKeepAlivePingClosesTheSession() throws Exception {
        AtomicBoolean closing = new AtomicBoolean();
        ThreadFactory threads = task -> closing.get() ? null : node.threads().newThread(task);
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer, threads);
        waitUntil(() -> frames(peer[0]).contains(ping(0)));
        answerPing(peer[0], 0);
        closing.set(true);
        clock.advance(INTERVAL);
        assertFalse(session.isOpen(), "closed by the keep-alive task itself");
        assertTrue(session.closeReason().getMessage().contains("node is closing"),
                session.closeReason().getMessage());
        assertEquals(0, clock.pendingTasks());
        assertTrue(node.threads().awaitIdle(Duration.ofSeconds(5)), node.threads().toString());
    }

    @Test
    void noThreadOfTheSessionOutlivesIt() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        TaskGroup group = new TaskGroup("node");
        Yamux yamux = new Yamux(YamuxConfig.DEFAULT.withKeepAliveInterval(INTERVAL));
        YamuxSession client = yamux.start(pipe.a(), true, clock, group);
        YamuxSession server = yamux.start(pipe.b(), false, clock, group);
        toClose.add(client);
        toClose.add(server);
        // Work every kind of thread: readers, pings and their replies, keep-alive pings, go-away.
        Transfer.checked(client, server, 1 << 20);
        Transfer.checked(server, client, 1 << 20);
        assertEquals(Duration.ZERO, client.ping(Duration.ofSeconds(5)));
        waitUntil(() -> server.rtt().isPresent());
        clock.advance(INTERVAL);
        assertTrue(group.active() > 0, "the readers run");

        client.close();
        server.close();
        assertTrue(group.awaitIdle(Duration.ofSeconds(5)), "threads outlived the sessions: " + group);
        assertEquals(0, clock.pendingTasks());
    }
}
