package org.jlibp2p.node.stack;

import static org.jlibp2p.node.stack.Nodes.eventually;
import static org.jlibp2p.testkit.TestNodes.listenMemory;
import static org.jlibp2p.testkit.TestNodes.listenTcp;
import static org.jlibp2p.testkit.TestNodes.withPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.DialException;
import org.jlibp2p.core.swarm.LimitExceededException;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.muxer.yamux.YamuxSession;
import org.jlibp2p.node.stack.Nodes.NoisePeer;
import org.jlibp2p.testkit.EventRecorder;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resource limits and silent peers: each costs the newcomer, says so, and leaves the swarm serving others. */
@Timeout(20)
class LimitsTest {
    private final MemoryTransport.Network net = new MemoryTransport.Network();

    private static Socket rawTcp(Multiaddr a) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(a.valueOf(Protocol.TCP).orElseThrow())), 3000);
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void maxConnectionsRefusesTheNewcomer() throws Exception {
        Limits one = Limits.defaults().withMaxConnections(1);
        try (Swarm b = TestNodes.swarm(new MemoryTransport(net), TestStack.NOISE_YAMUX, one);
                Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX); Swarm c = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            EventRecorder rb = TestNodes.recorder(b);
            Multiaddr addr = withPeer(listenMemory(b), b.localPeer());
            a.dial(addr);
            assertTrue(eventually(() -> b.connections().size() == 1));
            try {
                c.dial(addr); // the listener drops the connection before its handshake
            } catch (DialException expected) {
                // also fine: the listener closed before the dial finished
            }
            SwarmEvent.IncomingConnectionFailed f = rb.await(SwarmEvent.IncomingConnectionFailed.class);
            assertEquals("system inbound connections", assertInstanceOf(LimitExceededException.class, f.error()).reason());
            assertTrue(eventually(() -> c.connections().isEmpty()));
            assertEquals(1, b.connections().size());
            assertEquals(a.localPeer(), b.connections().getFirst().remotePeer());
            // The dialling side refuses before dialling.
            DialException e = assertThrows(DialException.class, () -> b.dial(withPeer(listenMemory(c), c.localPeer())));
            assertEquals("system connections", assertInstanceOf(LimitExceededException.class, e.getCause()).reason());
        }
    }

    @Test
    void maxConnectionsPerPeer() throws Exception {
        Limits one = Limits.defaults().withMaxConnectionsPerPeer(1);
        try (Swarm a = TestNodes.swarm(new MemoryTransport(net), TestStack.NOISE_YAMUX, one);
                Swarm b = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            Multiaddr addr = listenMemory(b);
            a.dial(addr);
            DialException e = assertThrows(DialException.class, () -> a.dial(addr)); // no /p2p/: a new connection
            assertEquals("peer outbound connections", assertInstanceOf(LimitExceededException.class, e.getCause()).reason());
            assertEquals(1, a.connections().size());
            assertTrue(eventually(() -> b.connections().size() == 1));
        }
    }

    @Test
    void inboundStreamsPastTheLimitAreResetAndTheConnectionSurvives() throws Exception {
        Limits two = Limits.defaults().withMaxInboundStreamsPerConnection(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(2);
        try (Swarm b = TestNodes.swarm(new MemoryTransport(net), TestStack.NOISE_YAMUX, two);
                Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            b.setStreamHandler("/test/hold/1.0.0", s -> {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            b.addBehaviour(new PingBehaviour());
            PingBehaviour ping = new PingBehaviour();
            a.addBehaviour(ping);
            Connection c = a.dial(withPeer(listenMemory(b), b.localPeer()));
            Stream s1 = c.newStream("/test/hold/1.0.0");
            Stream s2 = c.newStream("/test/hold/1.0.0");
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            assertThrows(StreamResetException.class, () -> c.newStream("/test/hold/1.0.0"), "the third stream is reset");
            assertTrue(c.isOpen());
            release.countDown();
            s1.close();
            s2.close();
            assertTrue(eventually(() -> {
                try {
                    return ping.ping(b.localPeer()).isPositive();
                } catch (IOException e) {
                    return false; // a slot frees once the handlers returned
                }
            }));
            assertEquals(1, a.connections().size());
        }
    }

    @Test
    void silentAndHalfHeaderClientsAreDroppedAfterTheHandshakeTimeoutAndFreeTheirSlot() throws Exception {
        Limits limits = Limits.defaults().withMaxPendingHandshakes(1).withHandshakeTimeout(Duration.ofMillis(400));
        try (Swarm b = TestNodes.tcp(TestStack.NOISE_YAMUX, limits); Swarm a = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults())) {
            EventRecorder rb = TestNodes.recorder(b);
            Multiaddr addr = listenTcp(b);
            try (Socket silent = rawTcp(addr)) {
                // While the silent client holds the only handshake slot, another is refused at once.
                try (Socket second = rawTcp(addr)) {
                    assertEquals(-1, SwarmConnectionsTest.readToEnd(second));
                }
                SwarmEvent.IncomingConnectionFailed refused = rb.await(SwarmEvent.IncomingConnectionFailed.class,
                        e -> e.error() instanceof LimitExceededException l && l.reason().equals("pending inbound connections"));
                assertTrue(String.valueOf(refused.error().getMessage()).contains("(1)"), String.valueOf(refused.error().getMessage()));
                assertEquals(-1, SwarmConnectionsTest.readToEnd(silent), "dropped after the timeout");
                rb.await(SwarmEvent.IncomingConnectionFailed.class, e -> String.valueOf(e.error().getMessage()).contains("timed out"));
            }
            try (Socket half = rawTcp(addr)) {
                OutputStream out = half.getOutputStream();
                byte[] header = "\u0013/multistream/1.0".getBytes(StandardCharsets.US_ASCII); // 19 announced, 17 sent
                out.write(header);
                out.flush();
                assertEquals(-1, SwarmConnectionsTest.readToEnd(half));
            }
            assertTrue(eventually(() -> rb.all(SwarmEvent.IncomingConnectionFailed.class).stream()
                    .filter(e -> String.valueOf(e.error().getMessage()).contains("timed out")).count() == 2));
            // The slot is free again: a real peer gets in.
            Connection c = a.dial(withPeer(addr, b.localPeer()));
            assertTrue(c.isOpen());
            assertTrue(eventually(() -> b.connections().size() == 1));
        }
    }

    @Test
    void inboundStreamsThatDoNotNegotiateInTimeAreReset() throws Exception {
        Limits limits = Limits.defaults().withNegotiationTimeout(Duration.ofMillis(400));
        try (Swarm b = TestNodes.swarm(new MemoryTransport(net), TestStack.NOISE_YAMUX, limits)) {
            b.addBehaviour(new PingBehaviour());
            Multiaddr addr = listenMemory(b);
            try (NoisePeer p = NoisePeer.connect(new MemoryTransport(net), addr, b.localPeer())) {
                YamuxSession session = Nodes.yamux(p.noise(), true);
                // Silent stream: never says a word.
                MuxedStream silent = session.openStream();
                // Trickling stream: a valid header, then proposals too slowly (each read alone is in time).
                MuxedStream trickle = session.openStream();
                Thread trickler = Thread.ofVirtual().start(() -> {
                    try {
                        trickle.output().write(new byte[] {0x13});
                        trickle.output().write("/multistream/1.0.0\n".getBytes(StandardCharsets.US_ASCII));
                        trickle.output().flush();
                        for (int i = 0; i < 60; i++) {
                            Thread.sleep(150);
                            trickle.output().write(new byte[] {0x08});
                            trickle.output().write("/nope/1\n".getBytes(StandardCharsets.US_ASCII));
                            trickle.output().flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // reset by the swarm: what the test expects
                    }
                });
                long start = System.nanoTime();
                assertThrows(StreamResetException.class, () -> silent.input().readAllBytes()); // header, then reset
                assertThrows(StreamResetException.class, () -> trickle.input().readAllBytes());
                assertTrue(trickler.join(Duration.ofSeconds(5)), "the trickle goes on after its stream was reset");
                // Real time, as the swarm's negotiation deadline runs on it: the deadline is 400 ms and the trickle
                // would last 9 s, so 6 s leaves a loaded machine room and still tells the two apart.
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(6),
                        "cut off by the deadline, not by the end of the 9 s trickle");
                // The connection is still good for a stream that negotiates.
                MuxedStream ok = session.openStream();
                assertEquals(PingBehaviour.PROTOCOL_ID, Multistream.select(ok, List.of(PingBehaviour.PROTOCOL_ID)));
                assertTrue(session.isOpen());
                session.close();
            }
        }
    }

    @Test
    void outboundNegotiationWithASilentPeerTimesOut() throws Exception {
        Limits limits = Limits.defaults().withNegotiationTimeout(Duration.ofMillis(400));
        MemoryTransport transport = new MemoryTransport(net);
        try (Swarm a = TestNodes.swarm(new MemoryTransport(net), TestStack.NOISE_YAMUX, limits);
                var listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            var k = org.jlibp2p.core.crypto.Keys.generateEd25519().privateKey();
            // A listener that upgrades like a node but never answers on any stream.
            Thread server = Thread.ofVirtual().start(() -> {
                try {
                    var raw = listener.accept();
                    Multistream.accept(raw, List.of(org.jlibp2p.security.noise.NoiseSecureChannel.PROTOCOL_ID));
                    var noise = new org.jlibp2p.security.noise.NoiseSecureChannel(
                            new org.jlibp2p.security.noise.NoiseConfig(k).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)))
                            .secureInbound(raw);
                    Nodes.yamux(noise, false);
                } catch (IOException e) {
                    // the test fails on the dial then
                }
            });
            Connection c = a.dial(listener.address());
            server.join(Duration.ofSeconds(5));
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> c.newStream("/test/x/1"));
            assertTrue(e.getMessage().contains("negotiation timed out"), e.getMessage());
            assertTrue(c.isOpen(), "only the stream is lost");
        }
    }
}
