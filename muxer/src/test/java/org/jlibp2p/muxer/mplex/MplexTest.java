package org.jlibp2p.muxer.mplex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.MuxerProtocolException;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.mux.StreamLimitException;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.core.testing.Blocking;
import org.jlibp2p.muxer.ReceiveBudget;
import org.jlibp2p.muxer.testing.RawPeer;
import org.jlibp2p.muxer.testing.SocketDuplex;
import org.jlibp2p.muxer.testing.TestNode;
import org.jlibp2p.muxer.testing.Transfer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class MplexTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final TestNode node = new TestNode();

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

    private record Sessions(MplexSession client, MplexSession server) {}

    private Sessions pair() throws IOException {
        return over(MemoryPipe.create(), MplexConfig.DEFAULT);
    }

    private Sessions over(MemoryPipe.Pair pipe, MplexConfig config) throws IOException {
        Mplex mplex = new Mplex(config);
        MplexSession client = mplex.start(pipe.a(), true, node.scheduler(), node.threads());
        MplexSession server = mplex.start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(client);
        toClose.add(server);
        return new Sessions(client, server);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    // ------------------------------------------------------------------------------------------------ encoding

    private static String header(long id, int flag, int length) {
        byte[] buf = new byte[Frame.MAX_HEADER_SIZE];
        int n = Frame.encodeHeader(buf, id, flag, length);
        return HexFormat.of().formatHex(Arrays.copyOf(buf, n));
    }

    @Test
    void headerVectors() {
        assertEquals("0001", header(0, Frame.NEW_STREAM, 1));
        assertEquals("0a02", header(1, Frame.MESSAGE_INITIATOR, 2));
        assertEquals("8b0100", header(17, Frame.CLOSE_RECEIVER, 0));
        assertEquals("e61200", header(300, Frame.RESET_INITIATOR, 0));
        assertEquals("0980808001", header(1, Frame.MESSAGE_RECEIVER, 1 << 21));
    }

    @Test
    void bytesOnTheWireForOneStream() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        RawPeer peer = new RawPeer(pipe.b());
        toClose.add(peer);
        MplexSession session = new Mplex().start(pipe.a(), true, node.scheduler(), node.threads());
        toClose.add(session);
        MuxedStream s = session.openStream();
        s.output().write("hi".getBytes());
        s.closeOutput();
        peer.send("01 01 6f"); // MessageReceiver on stream 0: "o"
        peer.send("03 00"); // CloseReceiver
        assertEquals('o', s.input().read());
        assertEquals(-1, s.input().read());
        MuxedStream second = session.openStream();
        second.reset();
        Wait.until(() -> session.streamCount() == 0);
        session.close();
        assertEquals("000130" + "02026869" + "0400" + "080131" + "0e00",
                HexFormat.of().formatHex(peer.receivedUntilClosed()));
    }

    /** Polling helper. */
    static final class Wait {
        interface Check {
            boolean ok() throws Exception;
        }

        static void until(Check check) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!check.ok()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not reached within 5 s");
                }
                Thread.sleep(5);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ streams

    private static void echoServer(MuxedSession server) {
        Thread.ofVirtual().name("echo-server").start(() -> {
            try {
                while (true) {
                    MuxedStream s = server.acceptStream();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.input().transferTo(s.output());
                            s.closeOutput();
                        } catch (IOException e) {
                            // test ends
                        }
                    });
                }
            } catch (IOException e) {
                // session closed
            }
        });
    }

    private static void assertEchoes(MuxedSession client, String message) throws IOException {
        MuxedStream s = client.openStream();
        s.output().write(message.getBytes());
        s.closeOutput();
        assertEquals(message, new String(s.input().readAllBytes()));
        s.close();
    }

    private void assertHealthySessionWorks() throws IOException {
        Sessions healthy = pair();
        echoServer(healthy.server());
        assertEchoes(healthy.client(), "still fine");
    }

    @Test
    void openAcceptAndEchoBothWays() throws Exception {
        Sessions s = pair();
        echoServer(s.server());
        echoServer(s.client());
        assertEchoes(s.client(), "hello mplex");
        assertEchoes(s.server(), "and back");
        assertEchoes(s.client(), "again");
    }


    @Test
    void transfersEightMebibytesBothWays() throws Exception {
        Sessions s = pair();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> reverse = pool.submit(() -> {
                Transfer.checked(s.server(), s.client(), 8 << 20);
                return null;
            });
            Transfer.checked(s.client(), s.server(), 8 << 20);
            reverse.get(); // a failure of the reverse transfer fails the test here
        }
    }

    @Test
    void overLoopbackSockets() throws Exception {
        Sessions s = over(SocketDuplex.loopbackPair(), MplexConfig.DEFAULT);
        Transfer.checked(s.client(), s.server(), 8 << 20);
        echoServer(s.server());
        assertEchoes(s.client(), "over tcp");
    }

    @Test
    void fiveHundredConcurrentStreams() throws Exception {
        Sessions s = pair();
        echoServer(s.server());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            CountDownLatch allOpen = new CountDownLatch(500);
            for (int i = 0; i < 500; i++) {
                String message = "stream " + i;
                results.add(pool.submit(() -> {
                    MuxedStream stream = s.client().openStream();
                    allOpen.countDown();
                    allOpen.await();
                    stream.output().write(message.getBytes());
                    stream.closeOutput();
                    String reply = new String(stream.input().readAllBytes());
                    stream.close();
                    return reply;
                }));
            }
            for (int i = 0; i < 500; i++) {
                assertEquals("stream " + i, results.get(i).get(10, TimeUnit.SECONDS));
            }
        }
        Wait.until(() -> s.client().streamCount() == 0 && s.server().streamCount() == 0);
    }

    @Test
    void halfClose() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        c.output().write("request".getBytes());
        c.closeOutput();
        assertThrows(IOException.class, () -> c.output().write(1));
        MuxedStream srv = s.server().acceptStream();
        assertEquals("0", ((MplexStream) srv).name);
        assertEquals("request", new String(srv.input().readAllBytes()));
        srv.output().write("response".getBytes());
        srv.closeOutput();
        assertEquals("response", new String(c.input().readAllBytes()));
        Wait.until(() -> s.client().streamCount() == 0 && s.server().streamCount() == 0);
    }

    @Test
    void resetBothWays() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        c.output().write(1);
        MuxedStream srv = s.server().acceptStream();
        assertEquals(1, srv.input().read());
        AtomicReference<Throwable> pendingRead = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                srv.input().read();
            } catch (IOException e) {
                pendingRead.set(e);
            }
        });
        Blocking.awaitBlocked(reader);
        c.reset();
        reader.join();
        assertInstanceOf(StreamResetException.class, pendingRead.get());
        assertThrows(StreamResetException.class, () -> srv.output().write(2));
        assertThrows(StreamResetException.class, () -> c.input().read());

        MuxedStream c2 = s.client().openStream();
        c2.output().write(1);
        MuxedStream srv2 = s.server().acceptStream();
        AtomicReference<Throwable> pendingRead2 = new AtomicReference<>();
        Thread reader2 = Thread.ofVirtual().start(() -> {
            try {
                c2.input().read();
            } catch (IOException e) {
                pendingRead2.set(e);
            }
        });
        Blocking.awaitBlocked(reader2);
        srv2.reset();
        reader2.join();
        assertInstanceOf(StreamResetException.class, pendingRead2.get());
        Wait.until(() -> s.client().streamCount() == 0 && s.server().streamCount() == 0);
    }

    @Test
    void readTimeoutLeavesTheStreamUsable() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        MuxedStream srv = s.server().acceptStream();
        srv.setReadTimeout(Duration.ofMillis(100));
        assertThrows(SocketTimeoutException.class, () -> srv.input().read());
        c.output().write(42);
        assertEquals(42, srv.input().read());
    }

    @Test
    void aStreamWhoseReaderFallsBehindIsResetAndTheOthersCarryOn() throws Exception {
        MplexConfig config = MplexConfig.DEFAULT.withMaxBufferedPerStream(1 << 20)
                .withReceiveTimeout(Duration.ofMillis(200));
        Sessions s = over(MemoryPipe.create(), config);
        MuxedStream slow = s.client().openStream();
        MplexStream slowServer = s.server().acceptStream();
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 1000; i++) {
                    slow.output().write(chunk);
                    assertTrue(slowServer.bufferedBytes() <= (1 << 20));
                }
            } catch (IOException e) {
                writeFailure.set(e);
            }
        });
        writer.join(10_000);
        assertInstanceOf(StreamResetException.class, writeFailure.get());
        assertThrows(StreamResetException.class, () -> slowServer.input().read());
        echoServer(s.server());
        assertEchoes(s.client(), "others fine");
    }

    @Test
    void openingPastTheOutboundLimitFails() throws Exception {
        Sessions s = over(MemoryPipe.create(), MplexConfig.DEFAULT.withStreamLimits(256, 1000, 2));
        MuxedStream first = s.client().openStream();
        s.client().openStream();
        assertThrows(StreamLimitException.class, () -> s.client().openStream());
        first.reset();
        s.client().openStream();
    }

    @Test
    void inboundStreamsPastTheLimitsAreReset() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        MplexSession client = new Mplex().start(pipe.a(), true, node.scheduler(), node.threads());
        MplexSession server = new Mplex(MplexConfig.DEFAULT.withStreamLimits(1, 2, 1000))
                .start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(client);
        toClose.add(server);
        client.openStream();
        MuxedStream refusedByBacklog = client.openStream();
        assertThrows(StreamResetException.class, () -> refusedByBacklog.input().read());
        server.acceptStream();
        client.openStream();
        server.acceptStream();
        MuxedStream refusedByCount = client.openStream();
        assertThrows(StreamResetException.class, () -> refusedByCount.input().read());
        assertTrue(client.isOpen() && server.isOpen());
    }

    @Test
    void closeEndsThePeersSessionKeepingWhatArrived() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        c.output().write("bye".getBytes());
        c.closeOutput();
        MplexStream srv = s.server().acceptStream();
        Wait.until(() -> srv.bufferedBytes() == 3); // "bye" arrived before the session ends
        s.client().close();
        assertThrows(SessionClosedException.class, () -> s.server().acceptStream());
        assertFalse(s.server().isOpen());
        assertEquals("bye", new String(srv.input().readAllBytes()));
        assertThrows(SessionClosedException.class, () -> s.client().openStream());
    }

    // ------------------------------------------------------------------------------------------------ bad input

    private void assertProtocolError(String reason, String... frames) throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        RawPeer peer = new RawPeer(pipe.a());
        toClose.add(peer);
        MplexSession session = new Mplex().start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(session);
        for (String frame : frames) {
            peer.send(frame);
        }
        SessionClosedException e = assertThrows(SessionClosedException.class, () -> {
            while (true) {
                session.acceptStream();
            }
        });
        assertInstanceOf(MuxerProtocolException.class, e.getCause(), e.toString());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(session.isOpen());
        peer.receivedUntilClosed();
        assertHealthySessionWorks();
    }

    @Test
    void frameLargerThanOneMebibyteIsRefusedBeforeAllocating() throws Exception {
        assertProtocolError("1048577 bytes exceeds the limit of 1048576", "0a 818040");
    }

    @Test
    void absurdLengthPrefix() throws Exception {
        assertProtocolError("exceeds the limit", "0a ffffffffffffffff7f");
    }

    @Test
    void unknownFlag() throws Exception {
        assertProtocolError("unknown mplex flag 7", "07 00");
    }

    @Test
    void malformedVarint() throws Exception {
        assertProtocolError("not minimally encoded", "8000 00");
    }

    @Test
    void newStreamReusingAnOpenId() throws Exception {
        assertProtocolError("reuses the id of open stream 3", "18 00", "18 00");
    }

    @Test
    void messagesForUnknownStreamsAreDropped() throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        RawPeer peer = new RawPeer(pipe.a());
        toClose.add(peer);
        MplexSession session = new Mplex().start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(session);
        peer.send("2a 03 616263"); // MessageInitiator on stream 5, never opened
        peer.send("29 01 61"); // MessageReceiver on stream 5 of the session's own, never opened
        peer.send("00 01 30"); // NewStream 0
        peer.send("02 02 6869"); // MessageInitiator on stream 0
        MuxedStream s = session.acceptStream();
        assertEquals("hi", new String(s.input().readNBytes(2)));
        assertTrue(session.isOpen());
    }
    @Test
    void streamsOverflowingTheSessionReceiveBufferAreResetAndTheSessionGoesOn() throws Exception {
        int mib = 1024 * 1024;
        MplexConfig config = MplexConfig.DEFAULT.withMaxBufferedPerStream(mib).withMaxReceiveBuffer(2L * mib);
        MemoryPipe.Pair pipe = MemoryPipe.create();
        RawPeer peer = new RawPeer(pipe.a());
        toClose.add(peer);
        MplexSession session = new Mplex(config).start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(session);
        for (int id = 0; id < 3; id++) {
            peer.send(header(id, Frame.NEW_STREAM, 0));
        }
        List<MuxedStream> streams = new ArrayList<>();
        for (int id = 0; id < 3; id++) {
            streams.add(session.acceptStream());
        }
        // Nobody reads: streams 0 and 1 fill the 2 MiB budget with a message of 1 MiB each; stream 2's does not fit.
        for (int id = 0; id < 3; id++) {
            byte[] message = new byte[mib];
            Arrays.fill(message, (byte) (id + 1));
            peer.send(header(id, Frame.MESSAGE_INITIATOR, mib));
            peer.send(message);
        }
        Wait.until(() -> HexFormat.of().formatHex(peer.received()).contains(header(2, Frame.RESET_RECEIVER, 0)));
        assertEquals(2L * mib, session.bufferedReceiveBytes());
        StreamResetException e = assertThrows(StreamResetException.class, () -> streams.get(2).input().read());
        assertTrue(e.getMessage().contains("receive buffer"), e.getMessage());
        for (int id = 0; id < 2; id++) {
            byte[] got = streams.get(id).input().readNBytes(mib);
            assertEquals(mib, got.length);
            assertEquals((byte) (id + 1), got[mib - 1]);
        }
        assertEquals(0, session.bufferedReceiveBytes());
        assertTrue(session.isOpen());
        peer.send(header(0, Frame.MESSAGE_INITIATOR, 2) + "6869");
        assertEquals("hi", new String(streams.get(0).input().readNBytes(2)));
    }

    @Test
    void sessionsSharingANodeBudgetTogetherHoldNoMoreThanIt() throws Exception {
        int mib = 1024 * 1024;
        ReceiveBudget nodeBudget = new ReceiveBudget(3L * mib);
        Mplex mplex = new Mplex(MplexConfig.DEFAULT.withMaxBufferedPerStream(mib), nodeBudget);
        RawPeer[] peers = new RawPeer[2];
        MuxedStream[] streams = new MuxedStream[4];
        for (int i = 0; i < 2; i++) {
            MemoryPipe.Pair pipe = MemoryPipe.create();
            peers[i] = new RawPeer(pipe.a());
            toClose.add(peers[i]);
            MplexSession session = mplex.start(pipe.b(), false, node.scheduler(), node.threads());
            toClose.add(session);
            for (int id = 0; id < 2; id++) {
                peers[i].send(header(id, Frame.NEW_STREAM, 0));
                streams[2 * i + id] = session.acceptStream();
            }
        }
        // Nobody reads. Each session is far below its own 64 MiB, but the second one's second message would take
        // the two past the node's 3 MiB: that stream is reset, the session goes on.
        byte[] message = new byte[mib];
        for (int i = 0; i < 4; i++) {
            Arrays.fill(message, (byte) (i + 1));
            peers[i / 2].send(header(i % 2, Frame.MESSAGE_INITIATOR, mib));
            peers[i / 2].send(message);
            if (i == 1) {
                // The sessions read on threads of their own: the first one's messages are held before the second
                // session's arrive, so that the one refused is the last.
                Wait.until(() -> nodeBudget.used() == 2L * mib);
            }
        }
        Wait.until(() -> HexFormat.of().formatHex(peers[1].received()).contains(header(1, Frame.RESET_RECEIVER, 0)));
        assertEquals(3L * mib, nodeBudget.used());
        StreamResetException e = assertThrows(StreamResetException.class, () -> streams[3].input().read());
        assertTrue(e.getMessage().contains("node's budget"), e.getMessage());

        // Reading one stream of the first session makes room for the second session's next message.
        assertEquals(mib, streams[0].input().readNBytes(mib).length);
        assertEquals(2L * mib, nodeBudget.used());
        peers[1].send(header(0, Frame.MESSAGE_INITIATOR, mib));
        peers[1].send(message);
        byte[] got = streams[2].input().readNBytes(2 * mib);
        assertEquals(2 * mib, got.length);
        assertEquals(4, got[2 * mib - 1]);
        assertEquals(1L * mib, nodeBudget.used());
    }
}
