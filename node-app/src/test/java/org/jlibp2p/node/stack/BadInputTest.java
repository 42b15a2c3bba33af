package org.jlibp2p.node.stack;

import static org.jlibp2p.node.stack.Nodes.eventually;
import static org.jlibp2p.testkit.TestNodes.listenTcp;
import static org.jlibp2p.testkit.TestNodes.withPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.muxer.yamux.YamuxSession;
import org.jlibp2p.node.stack.Nodes.LogCapture;
import org.jlibp2p.node.stack.Nodes.NoisePeer;
import org.jlibp2p.testkit.EventRecorder;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.security.noise.NoiseSession;
import org.jlibp2p.transport.tcp.TcpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input at each layer, sent to a swarm over TCP loopback while a healthy peer stays connected: each costs only
 * the offending connection or stream, is logged at DEBUG with its reason, and leaves the swarm serving the healthy
 * peer with no connection left behind.
 */
@Timeout(20)
class BadInputTest {
    private Swarm b;
    private Swarm healthy;
    private PingBehaviour ping;
    private EventRecorder rb;
    private Multiaddr addr;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        log = new LogCapture(org.jlibp2p.core.swarm.Swarm.class, YamuxSession.class, NoiseSession.class);
        b = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults().withHandshakeTimeout(java.time.Duration.ofSeconds(3)));
        b.addBehaviour(new PingBehaviour());
        rb = TestNodes.recorder(b);
        addr = listenTcp(b);
        healthy = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
        ping = new PingBehaviour();
        healthy.addBehaviour(ping);
        healthy.dial(withPeer(addr, b.localPeer()));
        assertTrue(eventually(() -> b.connections().size() == 1));
    }

    @AfterEach
    void stop() {
        healthy.close();
        b.close();
        log.close();
    }

    /** The healthy peer is served, and it is the only connection left. */
    private void assertStillServing() throws Exception {
        assertTrue(ping.ping(b.localPeer()).isPositive());
        assertTrue(eventually(() -> b.connections().size() == 1), () -> b.connections().toString());
        assertEquals(healthy.localPeer(), b.connections().getFirst().remotePeer());
    }

    private Socket raw() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(addr.valueOf(Protocol.TCP).orElseThrow())), 3000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Sends {@code bytes} on a raw socket and expects the swarm to drop it with {@code reason}. */
    private void rawInputIsRefused(byte[] bytes, String reason) throws Exception {
        try (Socket s = raw()) {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            assertEquals(-1, SwarmConnectionsTest.readToEnd(s), "the swarm closed the connection");
        }
        SwarmEvent.IncomingConnectionFailed f = rb.await(SwarmEvent.IncomingConnectionFailed.class,
                e -> String.valueOf(e.error().getMessage()).contains(reason));
        assertTrue(eventually(() -> log.contains(reason)), () -> "not logged: " + reason + " in " + log.messages);
        assertTrue(f.remoteAddress().toString().startsWith("/ip4/127.0.0.1/tcp/"));
        assertStillServing();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    @Test
    void socketGarbageInsteadOfMultistream() throws Exception {
        byte[] garbage = new byte[64];
        java.util.Arrays.fill(garbage, (byte) 0xFF); // a varint that never ends
        rawInputIsRefused(garbage, "varint");
    }

    @Test
    void multistreamLineWithoutItsNewline() throws Exception {
        rawInputIsRefused(concat(new byte[] {5}, "abcde".getBytes(StandardCharsets.US_ASCII)), "newline");
    }

    @Test
    void multistreamLineOverTheLengthLimit() throws Exception {
        rawInputIsRefused(concat(Varint.encode(Multistream.MAX_MESSAGE_LENGTH + 1), new byte[1100]), "exceeds the limit");
    }

    @Test
    void twoGigabyteLengthPrefixIsRefused() throws Exception {
        rawInputIsRefused(Varint.encode(1L << 31), "length prefix of 2147483648 bytes");
    }

    /**
     * The refusal above allocates nothing for the claimed 2 GiB. The swarm reads on virtual threads, whose allocation
     * the JVM does not count, so the negotiation the swarm runs first on an inbound connection runs here on the
     * test's own platform thread, and only that thread's allocation is counted.
     */
    @Test
    void twoGigabyteLengthPrefixAllocatesNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocation per thread");
        assumeFalse(Thread.currentThread().isVirtual(), "allocation is counted for platform threads only");
        MemoryPipe.Pair pipe = MemoryPipe.create();
        pipe.a().output().write(concat(Varint.encode(Multistream.PROTOCOL_ID.length() + 1),
                (Multistream.PROTOCOL_ID + "\n").getBytes(StandardCharsets.US_ASCII), Varint.encode(1L << 31)));
        pipe.a().output().flush();
        long self = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(self);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> Multistream.accept(pipe.b(), List.of("/noise")));
        long allocated = threads.getThreadAllocatedBytes(self) - before;
        assertEquals(1L << 31, e.claimed());
        assertTrue(allocated < 1024 * 1024, "allocated " + allocated + " bytes refusing a 2 GiB message");
    }

    @Test
    void noiseFrameFailingAuthenticationAfterTheHandshake() throws Exception {
        try (NoisePeer p = NoisePeer.connect(new TcpTransport(), addr, b.localPeer())) {
            rb.await(SwarmEvent.ConnectionEstablished.class, e -> !e.connection().remotePeer().equals(healthy.localPeer()));
            OutputStream out = p.raw().output();
            byte[] frame = new byte[2 + 40];
            frame[1] = 40; // 40 bytes of ciphertext that no key produced
            java.util.Arrays.fill(frame, 2, frame.length, (byte) 0x5A);
            out.write(frame);
            out.flush();
            rb.await(SwarmEvent.ConnectionClosed.class, e -> !e.connection().remotePeer().equals(healthy.localPeer()));
            assertTrue(eventually(() -> log.contains("closing the Noise session")), log.messages::toString);
            // The node closed the connection: whatever it sent before, the peer's reads come to an end.
            assertEquals(-1, readToEnd(p.noise().input()), "the node closed the connection");
        }
        assertStillServing();
    }

    /**
     * -1 once {@code in} ends, counting a connection reset as an end; fails if it still delivers data after 100
     * reads (each read is bounded by the class's timeout).
     */
    private static int readToEnd(java.io.InputStream in) throws IOException {
        byte[] buf = new byte[1024];
        for (int i = 0; i < 100; i++) {
            try {
                if (in.read(buf) < 0) {
                    return -1;
                }
            } catch (java.net.SocketException e) {
                if (String.valueOf(e.getMessage()).contains("reset")) {
                    return -1;
                }
                throw e;
            }
        }
        return 0;
    }

    /** Sends a Yamux header of the test's making over an authenticated Noise session. */
    private void yamuxFrameIsRefused(byte[] header, String reason) throws Exception {
        try (NoisePeer p = NoisePeer.connect(new TcpTransport(), addr, b.localPeer())) {
            SwarmEvent.ConnectionEstablished est = rb.await(SwarmEvent.ConnectionEstablished.class,
                    e -> !e.connection().remotePeer().equals(healthy.localPeer()));
            p.noise().output().write(header);
            p.noise().output().flush();
            SwarmEvent.ConnectionClosed closed = rb.await(SwarmEvent.ConnectionClosed.class,
                    e -> e.connection().equals(est.connection()));
            assertTrue(closed.cause().describe().contains(reason), closed.cause().describe());
            assertTrue(eventually(() -> log.contains(reason)), log.messages::toString);
        }
        assertStillServing();
    }

    @Test
    void yamuxFrameWithABadVersion() throws Exception {
        yamuxFrameIsRefused(new byte[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "unsupported yamux version 1");
    }

    @Test
    void yamuxFrameForAStreamNeverOpened() throws Exception {
        // DATA, no flags, stream 7, 4 bytes.
        yamuxFrameIsRefused(new byte[] {0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 4, 1, 2, 3, 4}, "never opened");
    }

    @Test
    void badNegotiationOnAStreamCostsOnlyThatStream() throws Exception {
        try (NoisePeer p = NoisePeer.connect(new TcpTransport(), addr, b.localPeer())) {
            YamuxSession session = Nodes.yamux(p.noise(), true);
            MuxedStream s = session.openStream();
            s.output().write(Varint.encode(1L << 31));
            s.output().flush();
            assertThrows(StreamResetException.class, () -> s.input().readAllBytes()); // the node resets the stream
            assertTrue(eventually(() -> log.contains("inbound stream on")), log.messages::toString);
            MuxedStream ok = session.openStream();
            assertEquals(PingBehaviour.PROTOCOL_ID, Multistream.select(ok, List.of(PingBehaviour.PROTOCOL_ID)));
            assertTrue(session.isOpen());
            assertEquals(2, b.connections().size());
            session.close();
        }
        assertStillServing();
    }
}
