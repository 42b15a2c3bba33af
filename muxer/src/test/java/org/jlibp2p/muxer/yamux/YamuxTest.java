package org.jlibp2p.muxer.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.io.MemoryPipe;
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
class YamuxTest {
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

    private record Sessions(YamuxSession client, YamuxSession server) {}

    private Sessions pair(YamuxConfig config) throws IOException {
        return over(MemoryPipe.create(), config);
    }

    private Sessions pair() throws IOException {
        return pair(YamuxConfig.DEFAULT);
    }

    private Sessions over(MemoryPipe.Pair pipe, YamuxConfig config) throws IOException {
        Yamux yamux = new Yamux(config);
        YamuxSession client = yamux.start(pipe.a(), true, node.scheduler(), node.threads());
        YamuxSession server = yamux.start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(client);
        toClose.add(server);
        return new Sessions(client, server);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    // ------------------------------------------------------------------------------------------------ encoding

    @Test
    void headerVectors() throws Exception {
        assertArrayEquals(hex("00 00 0001 00000001 00000005"), new Header(0, 1, 1, 5).encode());
        assertArrayEquals(hex("00 01 0002 00000002 00040000"), new Header(1, 2, 2, 262144).encode());
        assertArrayEquals(hex("00 02 0002 00000000 deadbeef"), new Header(2, 2, 0, 0xdeadbeefL).encode());
        assertArrayEquals(hex("00 03 0000 00000000 00000001"), new Header(3, 0, 0, 1).encode());
        assertArrayEquals(hex("00 01 000c ffffffff 00000000"), new Header(1, 12, 0xffffffffL, 0).encode());
        assertEquals(new Header(1, 12, 0xffffffffL, 0), Header.decode(hex("00 01 000c ffffffff 00000000")));
        assertEquals(new Header(0, 4, 3, 0x01020304L), Header.decode(hex("00 00 0004 00000003 01020304")));
        assertThrows(MuxerProtocolException.class, () -> Header.decode(hex("01 00 0000 00000001 00000000")));
        assertThrows(MuxerProtocolException.class, () -> Header.decode(hex("00 04 0000 00000001 00000000")));
    }

    // ------------------------------------------------------------------------------------------------ streams

    private static void echo(MuxedStream s) {
        Thread.ofVirtual().start(() -> {
            try (s) {
                s.input().transferTo(s.output());
                s.closeOutput();
            } catch (IOException e) {
                // test ends
            }
        });
    }

    private static void echoServer(YamuxSession server) {
        Thread.ofVirtual().name("echo-server").start(() -> {
            try {
                while (true) {
                    echo(server.acceptStream());
                }
            } catch (IOException e) {
                // session closed
            }
        });
    }

    private static void assertEchoes(YamuxSession client, String message) throws IOException {
        MuxedStream s = client.openStream();
        s.output().write(message.getBytes());
        s.closeOutput();
        assertEquals(message, new String(s.input().readAllBytes()));
        s.close();
    }

    /** A fresh pair of sessions still works: a bad peer elsewhere costs only its own session. */
    private void assertHealthySessionWorks() throws IOException {
        Sessions healthy = pair();
        echoServer(healthy.server());
        assertEchoes(healthy.client(), "still fine");
    }

    @Test
    void openAcceptAndEcho() throws Exception {
        Sessions s = pair();
        echoServer(s.server());
        assertEchoes(s.client(), "hello yamux");
        MuxedStream stream = s.client().openStream();
        assertEquals(3, stream.id());
        stream.output().write("x".getBytes());
        assertEquals('x', stream.input().read());
        stream.close();
    }

    @Test
    void serverOpensEvenStreams() throws Exception {
        Sessions s = pair();
        echoServer(s.client());
        MuxedStream stream = s.server().openStream();
        assertEquals(2, stream.id());
        stream.output().write(7);
        assertEquals(7, stream.input().read());
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
        Sessions s = over(SocketDuplex.loopbackPair(), YamuxConfig.DEFAULT);
        Transfer.checked(s.client(), s.server(), 8 << 20);
        echoServer(s.server());
        assertEchoes(s.client(), "over tcp");
        assertTrue(s.client().ping(Duration.ofSeconds(5)).toNanos() > 0);
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
        waitUntil(() -> s.client().streamCount() == 0 && s.server().streamCount() == 0);
    }

    @Test
    void halfCloseKeepsTheOtherDirectionAndFreesTheStreamAfterBothFins() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        c.output().write("request".getBytes());
        c.closeOutput();
        assertThrows(IOException.class, () -> c.output().write(1));
        MuxedStream srv = s.server().acceptStream();
        assertEquals("request", new String(srv.input().readAllBytes()));
        assertEquals(-1, srv.input().read());
        srv.output().write("response".getBytes());
        assertEquals(2, s.server().streamCount() + s.client().streamCount());
        srv.closeOutput();
        assertEquals("response", new String(c.input().readAllBytes()));
        waitUntil(() -> s.client().streamCount() == 0 && s.server().streamCount() == 0);
    }

    @Test
    void resetByTheOpenerFailsTheAcceptorsReadsAndWrites() throws Exception {
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
        assertThrows(StreamResetException.class, () -> srv.input().read());
        assertThrows(StreamResetException.class, () -> srv.output().write(2));
        assertThrows(StreamResetException.class, () -> c.input().read());
        assertThrows(StreamResetException.class, () -> c.output().write(2));
        waitUntil(() -> s.client().streamCount() == 0 && s.server().streamCount() == 0);
    }

    @Test
    void resetByTheAcceptorFailsTheOpenersBlockedWrite() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        MuxedStream srv = s.server().acceptStream();
        AtomicReference<Throwable> pendingWrite = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                c.output().write(new byte[1 << 20]); // blocks once the 256 KiB window is spent
            } catch (IOException e) {
                pendingWrite.set(e);
            }
        });
        waitUntil(() -> ((YamuxStream) c).sendWindow() == 0);
        srv.reset();
        writer.join();
        assertInstanceOf(StreamResetException.class, pendingWrite.get());
        assertThrows(StreamResetException.class, () -> c.input().read());
        assertTrue(s.client().isOpen() && s.server().isOpen());
    }

    @Test
    void readTimeoutLeavesTheStreamUsable() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        MuxedStream srv = s.server().acceptStream();
        srv.setReadTimeout(Duration.ofMillis(100));
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> srv.input().read());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(90));
        c.output().write(42);
        assertEquals(42, srv.input().read());
        srv.setReadTimeout(Duration.ZERO);
        c.closeOutput();
        assertEquals(-1, srv.input().read());
    }

    @Test
    void writerBlocksWhenTheReaderDoesNotReadAndMemoryStaysBounded() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        YamuxStream srv = (YamuxStream) s.server().acceptStream();
        AtomicLong written = new AtomicLong();
        int total = 4 << 20;
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                byte[] chunk = new byte[16 * 1024];
                for (int i = 0; i < total / chunk.length; i++) {
                    c.output().write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                writerFailed.set(e);
            }
        });
        waitUntil(() -> ((YamuxStream) c).sendWindow() == 0);
        Blocking.awaitBlocked(writer);
        assertEquals(YamuxConfig.INITIAL_STREAM_WINDOW, written.get());
        assertEquals(YamuxConfig.INITIAL_STREAM_WINDOW, srv.bufferedBytes());
        long read = 0;
        byte[] buf = new byte[8192];
        while (read < total) {
            int n = srv.input().read(buf);
            read += n;
            assertTrue(srv.bufferedBytes() <= srv.receiveWindow());
        }
        writer.join();
        assertNull(writerFailed.get(), "the writer failed");
        assertEquals(total, read);
    }

    @Test
    void receiveWindowGrowsOnALongTransfer() throws Exception {
        Sessions s = pair(YamuxConfig.DEFAULT.withMaxFrameSize(256 * 1024));
        waitUntil(() -> s.client().rttNanos() > 0 && s.server().rttNanos() > 0);
        MuxedStream c = s.client().openStream();
        YamuxStream srv = (YamuxStream) s.server().acceptStream();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < 64; i++) {
                    c.output().write(chunk);
                }
                c.closeOutput();
            } catch (IOException e) {
                writerFailed.set(e);
            }
        });
        byte[] buf = new byte[1 << 20];
        int maxWindow = 0;
        long read = 0;
        int n;
        while ((n = srv.input().read(buf)) >= 0) {
            read += n;
            maxWindow = Math.max(maxWindow, srv.receiveWindow());
            assertTrue(srv.bufferedBytes() <= srv.receiveWindow());
        }
        writer.join();
        assertNull(writerFailed.get(), "the writer failed");
        assertEquals(64L << 20, read);
        assertTrue(maxWindow > YamuxConfig.INITIAL_STREAM_WINDOW, "window stayed at " + maxWindow);
        assertTrue(maxWindow <= YamuxConfig.DEFAULT.maxStreamWindow());
    }

    @Test
    void windowStaysPutWithoutAutoTuning() throws Exception {
        Sessions s = pair(YamuxConfig.DEFAULT.withWindowAutoTuning(false));
        waitUntil(() -> s.server().rttNanos() > 0);
        Transfer.checked(s.client(), s.server(), 4 << 20);
        MuxedStream c = s.client().openStream();
        YamuxStream srv = (YamuxStream) s.server().acceptStream();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                c.output().write(new byte[1 << 20]);
            } catch (IOException e) {
                writerFailed.set(e);
            }
        });
        assertEquals(1 << 20, srv.input().readNBytes(1 << 20).length);
        writer.join();
        assertNull(writerFailed.get(), "the writer failed");
        assertEquals(YamuxConfig.INITIAL_STREAM_WINDOW, srv.receiveWindow());
    }

    @Test
    void pingMeasuresTheRoundTrip() throws Exception {
        Sessions s = pair();
        Duration rtt = s.client().ping(Duration.ofSeconds(5));
        assertTrue(rtt.toNanos() > 0);
        assertTrue(s.server().ping(Duration.ofSeconds(5)).toNanos() > 0);
        waitUntil(() -> s.client().rtt().isPresent() && s.client().rtt().get().toNanos() > 0);
    }

    @Test
    void goAwayStopsNewStreamsButNotOpenOnes() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        MuxedStream srv = s.server().acceptStream();
        s.server().goAway();
        waitUntil(() -> {
            try {
                s.client().openStream().reset();
                return false;
            } catch (SessionClosedException e) {
                return e.getMessage().contains("go-away");
            } catch (IOException e) {
                return false;
            }
        });
        c.output().write(5);
        assertEquals(5, srv.input().read());
        srv.output().write(6);
        assertEquals(6, c.input().read());
        assertThrows(SessionClosedException.class, () -> s.client().acceptStream());
    }

    @Test
    void closingAfterTheRemotesGoAwayKeepsWhatItSentReadable() throws Exception {
        // A remote that answers, finishes its stream and leaves: the local side closing in turn (as a swarm does when
        // the remote opens no more streams) must not drop the answer that arrived before the go-away.
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        MuxedStream open = s.client().openStream();
        MuxedStream srv = s.server().acceptStream();
        srv.output().write("answer".getBytes());
        srv.closeOutput();
        s.server().goAway();
        assertThrows(SessionClosedException.class, () -> s.client().acceptStream(), "go-away seen");
        s.client().close();
        assertEquals("answer", new String(c.input().readAllBytes()));
        StreamResetException unfinished = assertThrows(StreamResetException.class, () -> open.input().read());
        assertTrue(unfinished.getMessage().contains("closed locally"), unfinished.getMessage());
    }

    @Test
    void closeSendsGoAwayAndEndsThePeersSession() throws Exception {
        Sessions s = pair();
        MuxedStream c = s.client().openStream();
        c.output().write("last words".getBytes());
        c.closeOutput();
        MuxedStream srv = s.server().acceptStream();
        waitUntil(() -> ((YamuxStream) srv).remoteFinished());
        s.client().close();
        assertFalse(s.client().isOpen());
        assertThrows(SessionClosedException.class, () -> s.server().acceptStream());
        waitUntil(() -> !s.server().isOpen());
        assertEquals("connection closed by the remote", s.server().closeReason().getMessage());
        // Data that arrived before the session ended stays readable.
        assertEquals("last words", new String(srv.input().readAllBytes()));
        assertThrows(SessionClosedException.class, () -> s.client().openStream());
        assertThrows(StreamResetException.class, () -> c.input().read());
    }

    @Test
    void openingPastTheOutboundLimitFails() throws Exception {
        Sessions s = pair(YamuxConfig.DEFAULT.withStreamLimits(256, 1000, 3));
        echoServer(s.server());
        MuxedStream first = s.client().openStream();
        s.client().openStream();
        s.client().openStream();
        assertThrows(StreamLimitException.class, () -> s.client().openStream());
        first.reset();
        s.client().openStream().reset();
    }

    @Test
    void openingWaitsWhileTheAckBacklogIsFull() throws Exception {
        Sessions s = pair(YamuxConfig.DEFAULT.withStreamLimits(2, 1000, 1000));
        s.client().openStream();
        s.client().openStream();
        CountDownLatch opened = new CountDownLatch(1);
        AtomicReference<Throwable> openerFailed = new AtomicReference<>();
        Thread opener = Thread.ofVirtual().start(() -> {
            try {
                s.client().openStream();
                opened.countDown();
            } catch (IOException e) {
                openerFailed.set(e);
            }
        });
        Blocking.awaitBlocked(opener);
        assertEquals(1, opened.getCount(), "opened past a full ACK backlog");
        s.server().acceptStream(); // sends the ACK
        assertTrue(opened.await(5, TimeUnit.SECONDS));
        opener.join();
        assertNull(openerFailed.get(), "the opener failed");
    }

    @Test
    void inboundStreamsPastTheLimitsAreReset() throws Exception {
        Sessions s = over(MemoryPipe.create(), YamuxConfig.DEFAULT);
        // The server accepts at most 2 inbound streams and queues at most 2 not yet accepted.
        MemoryPipe.Pair pipe = MemoryPipe.create();
        YamuxSession client = new Yamux().start(pipe.a(), true, node.scheduler(), node.threads());
        YamuxSession server = new Yamux(YamuxConfig.DEFAULT.withStreamLimits(2, 3, 1000))
                .start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(client);
        toClose.add(server);
        MuxedStream a = client.openStream();
        MuxedStream b = client.openStream();
        MuxedStream refusedByBacklog = client.openStream();
        assertThrows(StreamResetException.class, () -> refusedByBacklog.input().read());
        server.acceptStream();
        server.acceptStream();
        MuxedStream c = client.openStream();
        server.acceptStream();
        MuxedStream refusedByCount = client.openStream();
        assertThrows(StreamResetException.class, () -> refusedByCount.input().read());
        a.output().write(1);
        b.output().write(1);
        c.output().write(1);
        assertTrue(server.isOpen() && client.isOpen() && s.client().isOpen());
    }

    // ------------------------------------------------------------------------------------------------ bad input

    private YamuxSession rawSession(RawPeer[] peer) throws IOException {
        MemoryPipe.Pair pipe = MemoryPipe.create();
        peer[0] = new RawPeer(pipe.a());
        toClose.add(peer[0]);
        YamuxSession session = new Yamux().start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(session);
        return session;
    }

    private void assertProtocolError(String reason, String... frames) throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer);
        for (String frame : frames) {
            peer[0].send(frame);
        }
        SessionClosedException e = assertThrows(SessionClosedException.class, () -> {
            while (true) {
                session.acceptStream();
            }
        });
        assertInstanceOf(MuxerProtocolException.class, e.getCause(), e.toString());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(session.isOpen());
        byte[] sent = peer[0].receivedUntilClosed();
        String tail = HexFormat.of().formatHex(sent, sent.length - 12, sent.length);
        assertEquals("000300000000000000000001", tail, "go-away protocol error");
        assertHealthySessionWorks();
    }

    @Test
    void badVersion() throws Exception {
        assertProtocolError("version 1", "01 00 0001 00000001 00000000");
    }

    @Test
    void unknownFrameType() throws Exception {
        assertProtocolError("frame type 7", "00 07 0000 00000000 00000000");
    }

    @Test
    void dataForAStreamNeverOpened() throws Exception {
        assertProtocolError("never opened", "00 00 0000 00000005 00000003 616263");
    }

    @Test
    void windowUpdateForAStreamNeverOpened() throws Exception {
        assertProtocolError("never opened", "00 01 0000 00000002 00001000");
    }

    @Test
    void dataOnStreamZero() throws Exception {
        assertProtocolError("stream id 0", "00 00 0000 00000000 00000001 ff");
    }

    @Test
    void dataPastTheWindow() throws Exception {
        // 256 KiB + 1 on a fresh stream: refused from the header alone.
        assertProtocolError("exceeds its receive window", "00 01 0001 00000001 00000000",
                "00 00 0000 00000001 00040001");
    }

    @Test
    void absurdLengthPrefixIsRefusedBeforeAllocating() throws Exception {
        assertProtocolError("4294967295 bytes", "00 00 0001 00000001 ffffffff");
    }

    @Test
    void windowOverrunAcrossFrames() throws Exception {
        StringBuilder data = new StringBuilder("00 00 0000 00000001 00020000");
        data.append("00".repeat(128 * 1024));
        assertProtocolError("exceeds its receive window", "00 01 0001 00000001 00000000", data.toString(),
                data.toString(), "00 00 0000 00000001 00000001 00");
    }

    @Test
    void synReusingAnOpenStreamId() throws Exception {
        assertProtocolError("reuses stream id 1", "00 01 0001 00000001 00000000", "00 01 0001 00000001 00000000");
    }

    @Test
    void synReusingAClosedStreamId() throws Exception {
        assertProtocolError("reuses stream id 1", "00 01 0001 00000001 00000000", "00 01 0008 00000001 00000000",
                "00 01 0001 00000001 00000000");
    }

    @Test
    void synsSlightlyOutOfOrderAreAccepted() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer);
        peer[0].send("00 01 0001 00000005 00000000");
        peer[0].send("00 01 0001 00000001 00000000");
        peer[0].send("00 01 0001 00000003 00000000");
        assertEquals(5, session.acceptStream().id());
        assertEquals(1, session.acceptStream().id());
        assertEquals(3, session.acceptStream().id());
        assertTrue(session.isOpen());
    }

    @Test
    void synFarBelowTheHighestIdCountsAsReuse() throws Exception {
        assertProtocolError("reuses stream id 1", "00 01 0001 00000001 00000000", "00 01 0001 00000801 00000000",
                "00 01 0001 00000001 00000000");
    }

    @Test
    void synWithTheWrongParity() throws Exception {
        assertProtocolError("belongs to this side", "00 01 0001 00000002 00000000");
    }

    @Test
    void dataAfterFin() throws Exception {
        assertProtocolError("data after FIN", "00 00 0005 00000001 00000001 61", "00 00 0000 00000001 00000001 62");
    }

    @Test
    void truncatedFrameClosesTheSession() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer);
        peer[0].send("00 00 0001 00000001 00000010 6162");
        peer[0].close();
        SessionClosedException e = assertThrows(SessionClosedException.class, () -> {
            while (true) {
                session.acceptStream().input().readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains("connection"), e.getMessage());
        assertHealthySessionWorks();
    }

    @Test
    void dataForARecentlyClosedStreamIsDroppedAndAnsweredWithReset() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer);
        peer[0].send("00 00 0001 00000001 00000002 6869");
        MuxedStream s = session.acceptStream();
        assertEquals('h', s.input().read());
        s.close();
        peer[0].send("00 00 0000 00000001 00000003 616263");
        // The pong shows the data frame before it was processed.
        peer[0].send("00 02 0001 00000000 0000abcd");
        waitUntil(() -> HexFormat.of().formatHex(peer[0].received()).contains("000100080000000100000000")
                && HexFormat.of().formatHex(peer[0].received()).contains("00020002000000000000abcd"));
        assertTrue(session.isOpen());
    }

    /** A data frame on stream {@code id} with {@code flags} and {@code length} bytes of {@code fill}. */
    private static byte[] dataFrame(int id, int flags, int length, int fill) {
        byte[] frame = new byte[12 + length];
        byte[] header = HexFormat.of().parseHex(String.format("0000%04x%08x%08x", flags, id, length));
        System.arraycopy(header, 0, frame, 0, header.length);
        java.util.Arrays.fill(frame, 12, frame.length, (byte) fill);
        return frame;
    }

    @Test
    void streamsOverflowingTheSessionReceiveBufferAreResetAndTheSessionGoesOn() throws Exception {
        int window = YamuxConfig.INITIAL_STREAM_WINDOW;
        int part = 100 * 1024;
        YamuxConfig config = YamuxConfig.DEFAULT.withMaxStreamWindow(window).withMaxReceiveBuffer(4L * window);
        MemoryPipe.Pair pipe = MemoryPipe.create();
        RawPeer peer = new RawPeer(pipe.a());
        toClose.add(peer);
        YamuxSession session = new Yamux(config).start(pipe.b(), false, node.scheduler(), node.threads());
        toClose.add(session);

        // Nobody reads: stream 1 (accepted) and streams 3, 5, 7 and 9 fill 968 KiB of the 1 MiB budget.
        peer.send(dataFrame(1, 1, part, 1));
        MuxedStream first = session.acceptStream();
        for (int id = 3; id <= 7; id += 2) {
            peer.send(dataFrame(id, 1, window, id));
        }
        peer.send(dataFrame(9, 1, part, 9));
        // Neither a new stream's full window nor 100 KiB more on stream 1 fits: both streams are reset.
        peer.send(dataFrame(11, 1, window, 11));
        peer.send(dataFrame(1, 0, part, 1));
        peer.send("00 02 0001 00000000 00001234"); // its pong shows the frames before it were processed
        waitUntil(() -> HexFormat.of().formatHex(peer.received()).contains("000200020000000000001234"));
        assertEquals(3L * window + part, session.bufferedReceiveBytes());
        String sent = HexFormat.of().formatHex(peer.received());
        assertTrue(sent.contains("000100080000000b00000000"), "RST for stream 11");
        assertTrue(sent.contains("000100080000000100000000"), "RST for stream 1");
        assertFalse(sent.contains("000100080000000300000000"), "no RST for stream 3");
        assertTrue(session.isOpen());

        StreamResetException e = assertThrows(StreamResetException.class, () -> first.input().read());
        assertTrue(e.getMessage().contains("receive buffer"), e.getMessage());
        for (int id = 3; id <= 9; id += 2) {
            MuxedStream s = session.acceptStream(); // stream 11 was reset before it was accepted: skipped
            assertEquals(id, s.id());
            byte[] got = s.input().readNBytes(id == 9 ? part : window);
            assertEquals(id == 9 ? part : window, got.length);
            assertEquals((byte) id, got[got.length - 1]);
        }
        assertEquals(0, session.bufferedReceiveBytes());

        // Read, the budget is free again: a new stream's full window is buffered.
        peer.send(dataFrame(13, 1, window, 13));
        MuxedStream later = session.acceptStream();
        assertEquals(13, later.id());
        assertEquals(window, later.input().readNBytes(window).length);
        assertTrue(session.isOpen());
    }

    @Test
    void sessionsSharingANodeBudgetTogetherHoldNoMoreThanIt() throws Exception {
        int window = YamuxConfig.INITIAL_STREAM_WINDOW;
        ReceiveBudget nodeBudget = new ReceiveBudget(3L * window);
        Yamux yamux = new Yamux(YamuxConfig.DEFAULT.withMaxStreamWindow(window), nodeBudget);
        RawPeer[] peers = new RawPeer[2];
        YamuxSession[] sessions = new YamuxSession[2];
        for (int i = 0; i < 2; i++) {
            MemoryPipe.Pair pipe = MemoryPipe.create();
            peers[i] = new RawPeer(pipe.a());
            toClose.add(peers[i]);
            sessions[i] = yamux.start(pipe.b(), false, node.scheduler(), node.threads());
            toClose.add(sessions[i]);
        }
        // Each session is far below its own 64 MiB, but together they fill the node's 768 KiB: nobody reads.
        peers[0].send(dataFrame(1, 1, window, 1));
        peers[0].send(dataFrame(3, 1, window, 3));
        peers[1].send(dataFrame(1, 1, window, 5));
        peers[1].send(dataFrame(3, 1, 1, 7)); // one byte too many: its stream is reset, its session goes on
        peers[1].send("00 02 0001 00000000 00001234");
        waitUntil(() -> HexFormat.of().formatHex(peers[1].received()).contains("000200020000000000001234"));
        assertTrue(HexFormat.of().formatHex(peers[1].received()).contains("000100080000000300000000"),
                "RST for the second session's stream 3");
        assertEquals(3L * window, nodeBudget.used());
        assertEquals(2L * window, sessions[0].bufferedReceiveBytes());
        assertEquals(window, sessions[1].bufferedReceiveBytes());
        assertTrue(sessions[0].isOpen() && sessions[1].isOpen());

        // The first session's application reads one stream: room again, for either session.
        MuxedStream read = sessions[0].acceptStream();
        assertEquals(window, read.input().readNBytes(window).length);
        assertEquals(2L * window, nodeBudget.used());
        peers[1].send(dataFrame(5, 1, window, 9));
        sessions[1].acceptStream(); // stream 1
        MuxedStream fits = sessions[1].acceptStream(); // stream 3 was reset before it was accepted
        assertEquals(5, fits.id());
        byte[] got = fits.input().readNBytes(window);
        assertEquals(window, got.length);
        assertEquals(9, got[window - 1]);
        assertEquals(2L * window, nodeBudget.used());
    }

    @Test
    void remoteGoAwayWithErrorEndsTheSession() throws Exception {
        RawPeer[] peer = new RawPeer[1];
        YamuxSession session = rawSession(peer);
        peer[0].send("00 03 0000 00000000 00000002");
        SessionClosedException e = assertThrows(SessionClosedException.class, session::acceptStream);
        assertTrue(e.getMessage().contains("internal error"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
