package org.jlibp2p.node.stack;

import static org.jlibp2p.node.stack.Nodes.eventually;
import static org.jlibp2p.testkit.TestNodes.listenMemory;
import static org.jlibp2p.testkit.TestNodes.listenTcp;
import static org.jlibp2p.testkit.TestNodes.withPeer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multistream.NoCommonProtocolException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.protocols.perf.PerfBehaviour;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.DialException;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.testing.Background;
import org.jlibp2p.core.testing.Ipv6;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.testkit.EventRecorder;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Dialling, connection bookkeeping, events and the basic protocols, with the real upgrade over each stack. */
@Timeout(20)
class SwarmConnectionsTest {
    private final MemoryTransport.Network net = new MemoryTransport.Network();

    private static Throwable causeOfType(Throwable t, Class<?> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + t, t);
    }

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void dialByMultiaddrThenByPeerIdReusesTheConnection(TestStack stack) throws Exception {
        try (Swarm a = TestNodes.memory(net, stack); Swarm b = TestNodes.memory(net, stack)) {
            Multiaddr addr = listenMemory(b);
            Connection c = a.dial(withPeer(addr, b.localPeer()));
            assertEquals(b.localPeer(), c.remotePeer());
            assertEquals(stack.muxerId(), c.muxer());
            assertEquals(stack.securityId(), c.security());
            assertEquals(Direction.OUTBOUND, c.direction());
            assertEquals(List.of(addr), a.peerstore().addresses(b.localPeer()));
            assertSame(c, a.dial(b.localPeer()), "dial by peer id reuses the connection");
            assertTrue(eventually(() -> b.connections().size() == 1));
            Connection inbound = b.connections().getFirst();
            assertEquals(Direction.INBOUND, inbound.direction());
            assertEquals(a.localPeer(), inbound.remotePeer());
            assertEquals(1, a.connections().size());
        }
    }

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void dialByPeerIdUsesThePeerstore(TestStack stack) throws Exception {
        try (Swarm a = TestNodes.memory(net, stack); Swarm b = TestNodes.memory(net, stack)) {
            Multiaddr addr = listenMemory(b);
            assertThrows(DialException.class, () -> a.dial(b.localPeer()), "no address known yet");
            a.peerstore().addAddresses(b.localPeer(), List.of(addr));
            Connection c = a.dial(b.localPeer());
            assertEquals(b.localPeer(), c.remotePeer());
            assertEquals(b.publicKey(), a.peerstore().publicKey(b.localPeer()).orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void dialToAPeerIdThatAnotherKeyAnswersFailsAndRegistersNothing(TestStack stack) throws Exception {
        try (Swarm a = TestNodes.memory(net, stack); Swarm b = TestNodes.memory(net, stack)) {
            EventRecorder ra = TestNodes.recorder(a);
            EventRecorder rb = TestNodes.recorder(b);
            Multiaddr addr = listenMemory(b);
            PeerId someoneElse = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
            DialException e = assertThrows(DialException.class, () -> a.dial(withPeer(addr, someoneElse)));
            PeerIdMismatchException m = (PeerIdMismatchException) causeOfType(e, PeerIdMismatchException.class);
            assertEquals(someoneElse, m.expected());
            assertEquals(b.localPeer(), m.actual());
            assertTrue(a.connections().isEmpty());
            assertFalse(a.isConnected(someoneElse));
            assertFalse(a.peerstore().addresses(someoneElse).contains(addr), "the wrong address is forgotten");
            assertTrue(ra.await(SwarmEvent.DialFailed.class).peer().orElseThrow().equals(someoneElse));
            rb.await(SwarmEvent.IncomingConnectionFailed.class);
            assertTrue(b.connections().isEmpty());
            assertTrue(ra.all(SwarmEvent.ConnectionEstablished.class).isEmpty());
        }
    }

    @Test
    void parallelDialOverSeveralAddressesKeepsOneConnectionAndClosesTheLosers() throws Exception {
        try (Swarm a = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                Swarm b = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Multiaddr live1 = listenTcp(b);
            Multiaddr live2 = listenTcp(b);
            int deadPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                deadPort = s.getLocalPort();
            }
            Multiaddr dead = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + deadPort);
            Multiaddr blackHole = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
            Connection c = a.dial(b.localPeer(), List.of(dead, blackHole, live1, live2));
            assertEquals(b.localPeer(), c.remotePeer());
            // The silent listener got a connection that the swarm abandoned: it must be closed, not left hanging.
            silent.setSoTimeout(5000);
            try (Socket accepted = silent.accept()) {
                accepted.setSoTimeout(5000);
                assertEquals(-1, readToEnd(accepted));
            }
            assertTrue(eventually(() -> a.connections().size() == 1 && b.connections().size() == 1),
                    () -> "a: " + a.connections() + " b: " + b.connections());
            assertTrue(c.isOpen());
        }
    }

    /** -1 once the peer closed the socket (end of stream or reset); fails on the socket timeout. */
    static int readToEnd(Socket s) throws IOException {
        byte[] buf = new byte[4096];
        for (int i = 0; i < 1000; i++) {
            try {
                if (s.getInputStream().read(buf) < 0) {
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

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void concurrentDialsToOnePeerShareOneConnection(TestStack stack) throws Exception {
        try (Swarm a = TestNodes.memory(net, stack); Swarm b = TestNodes.memory(net, stack);
                ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            Multiaddr addr = withPeer(listenMemory(b), b.localPeer());
            List<Callable<Connection>> dials = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                dials.add(() -> a.dial(addr));
            }
            Set<Connection> got = new HashSet<>();
            for (Future<Connection> f : exec.invokeAll(dials)) {
                got.add(f.get());
            }
            assertEquals(1, got.size());
            assertEquals(1, a.connections().size());
            assertTrue(eventually(() -> b.connections().size() == 1));
        }
    }

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void disconnectClosesAndTheNextDialMakesANewConnection(TestStack stack) throws Exception {
        try (Swarm a = TestNodes.memory(net, stack); Swarm b = TestNodes.memory(net, stack)) {
            EventRecorder rb = TestNodes.recorder(b);
            Multiaddr addr = withPeer(listenMemory(b), b.localPeer());
            Connection first = a.dial(addr);
            a.disconnect(b.localPeer());
            assertFalse(first.isOpen());
            assertFalse(a.isConnected(b.localPeer()));
            assertTrue(a.connections().isEmpty());
            rb.await(SwarmEvent.ConnectionClosed.class);
            assertTrue(eventually(() -> b.connections().isEmpty()), "the remote noticed the close");
            Connection second = a.dial(b.localPeer());
            assertTrue(second.isOpen());
            assertTrue(second.id() != first.id());
        }
    }

    @Test
    void eventsArriveInOrderAndNoneAfterStop() throws Exception {
        EventRecorder ra;
        EventRecorder rb;
        Multiaddr addr;
        try (Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX); Swarm b = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            ra = TestNodes.recorder(a);
            rb = TestNodes.recorder(b);
            b.addBehaviour(new EchoBehaviour());
            addr = listenMemory(b);
            assertThrows(DialException.class, () -> a.dial(Multiaddr.parse("/memory/987654321")));
            Connection c = a.dial(withPeer(addr, b.localPeer()));
            try (Stream s = c.newStream(EchoBehaviour.PROTOCOL_ID)) {
                s.output().write(1);
                s.closeOutput();
                assertEquals(1, s.input().read());
            }
            rb.await(SwarmEvent.InboundStream.class);
            c.close();
            rb.await(SwarmEvent.ConnectionClosed.class);
            ra.await(SwarmEvent.ConnectionClosed.class);
        }
        List<Class<?>> aSeen = ra.significant().stream().map(Object::getClass).<Class<?>>map(x -> x).toList();
        assertEquals(List.of(SwarmEvent.DialFailed.class, SwarmEvent.ConnectionEstablished.class,
                SwarmEvent.ConnectionClosed.class), aSeen, ra.significant().toString());
        List<Class<?>> bSeen = rb.significant().stream().map(Object::getClass).<Class<?>>map(x -> x).toList();
        assertEquals(List.of(SwarmEvent.ListenAddressAdded.class, SwarmEvent.ConnectionEstablished.class,
                SwarmEvent.InboundStream.class, SwarmEvent.ConnectionClosed.class,
                SwarmEvent.ListenAddressExpired.class), bSeen, rb.significant().toString());
        assertEquals(addr, ((SwarmEvent.ListenAddressAdded) rb.significant().getFirst()).address());
        assertEquals(EchoBehaviour.PROTOCOL_ID,
                ((SwarmEvent.InboundStream) rb.significant().get(2)).protocol());
        assertTrue(ra.stopped() && rb.stopped());
        assertFalse(ra.eventAfterStop() || rb.eventAfterStop());
    }

    @Test
    void closingTheSwarmDeliversConnectionClosedBeforeStop() throws Exception {
        EventRecorder ra;
        try (Swarm b = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            Multiaddr addr = withPeer(listenMemory(b), b.localPeer());
            Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX);
            ra = TestNodes.recorder(a);
            a.dial(addr);
            a.close();
            assertTrue(a.connections().isEmpty());
            assertEquals(1, ra.all(SwarmEvent.ConnectionClosed.class).size(), ra.events().toString());
            assertTrue(ra.stopped());
            assertThrows(IllegalStateException.class, () -> a.dial(addr));
            assertTrue(eventually(() -> b.connections().isEmpty()));
        }
    }

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void handlersAddedAndRemovedAtRuntimeAndUnknownProtocolsRefused(TestStack stack) throws Exception {
        try (Swarm a = TestNodes.memory(net, stack); Swarm b = TestNodes.memory(net, stack)) {
            Connection c = a.dial(withPeer(listenMemory(b), b.localPeer()));
            assertThrows(NoCommonProtocolException.class, () -> c.newStream("/test/hello/1.0.0"));
            b.setStreamHandler("/test/hello/1.0.0", s -> {
                s.output().write("hello".getBytes());
                s.closeOutput();
            });
            try (Stream s = c.newStream("/test/other/1.0.0", "/test/hello/1.0.0")) {
                assertEquals("/test/hello/1.0.0", s.protocol());
                assertArrayEquals("hello".getBytes(), s.input().readAllBytes());
            }
            b.removeStreamHandler("/test/hello/1.0.0");
            assertThrows(NoCommonProtocolException.class, () -> c.newStream("/test/hello/1.0.0"));
            assertTrue(c.isOpen(), "a refused protocol costs only the stream");
            assertFalse(b.protocols().contains("/test/hello/1.0.0"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void pingEchoAndPerf(TestStack stack) throws Exception {
        try (Swarm a = TestNodes.memory(net, stack); Swarm b = TestNodes.memory(net, stack)) {
            PingBehaviour ping = new PingBehaviour();
            PerfBehaviour perf = new PerfBehaviour();
            a.addBehaviour(ping);
            a.addBehaviour(perf);
            b.addBehaviour(new PingBehaviour());
            PerfBehaviour perfServer = new PerfBehaviour();
            b.addBehaviour(perfServer);
            b.addBehaviour(new EchoBehaviour());
            a.dial(withPeer(listenMemory(b), b.localPeer()));

            Duration[] rtts = ping.ping(b.localPeer(), 3);
            assertEquals(3, rtts.length);
            for (Duration d : rtts) {
                assertTrue(d.isPositive());
            }

            byte[] data = new byte[300_000];
            new Random(7).nextBytes(data);
            try (Stream s = a.newStream(b.localPeer(), List.of(EchoBehaviour.PROTOCOL_ID))) {
                Background<Void> writer = Background.run(() -> {
                    s.output().write(data);
                    s.closeOutput();
                });
                assertArrayEquals(data, s.input().readAllBytes());
                writer.join();
            }

            PerfBehaviour.Result r = perf.run(b.localPeer(), 1_000_000, 250_000);
            // What the server counted as it drained the upload, and what the client counted as it read.
            assertEquals(1_000_000, perfServer.bytesReceived(), "upload bytes the server received");
            assertEquals(r.uploaded(), perfServer.bytesReceived());
            assertEquals(250_000, r.downloaded(), "bytes the client read");
            assertEquals(1, perfServer.exchangesServed());
            PerfBehaviour.Result none = perf.run(b.localPeer(), 0, 0);
            assertEquals(0, none.downloaded());
            assertEquals(1_000_000, perfServer.bytesReceived(), "an empty upload adds nothing");
            assertEquals(2, perfServer.exchangesServed());
            assertEquals(1, a.connections().size(), "all of it on the one connection");
        }
    }

    @Test
    void overTcpLoopbackOnIpv4() throws Exception {
        try (Swarm a = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                Swarm b = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults())) {
            PingBehaviour ping = new PingBehaviour();
            a.addBehaviour(ping);
            b.addBehaviour(new PingBehaviour());
            Multiaddr v4 = listenTcp(b);
            Connection c = a.dial(withPeer(v4, b.localPeer()));
            assertEquals(v4, c.remoteAddress());
            assertTrue(ping.ping(b.localPeer()).isPositive());
        }
    }

    @Test
    void overTcpLoopbackOnIpv6() throws Exception {
        Ipv6.assumeLoopback();
        try (Swarm a = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                Swarm b = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults())) {
            Multiaddr v4 = listenTcp(b);
            a.dial(withPeer(v4, b.localPeer()));
            Multiaddr v6 = b.listen(Multiaddr.parse("/ip6/::1/tcp/0"));
            Connection c6 = a.dial(v6); // no /p2p/: a second connection, whoever answers
            assertEquals(v6, c6.remoteAddress());
            assertEquals(b.localPeer(), c6.remotePeer());
            assertEquals(2, a.connections().size());
        }
    }

    @Test
    void wildcardListenAddressIsReportedAsInterfaceAddresses() throws Exception {
        try (Swarm a = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                Swarm b = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults())) {
            Multiaddr bound = b.listen(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"));
            String port = bound.valueOf(org.jlibp2p.core.multiaddr.Protocol.TCP).orElseThrow();
            List<Multiaddr> reported = b.listenAddresses();
            assertFalse(reported.contains(bound), reported.toString());
            assertTrue(reported.contains(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port)), reported.toString());
            for (Multiaddr m : reported) {
                assertFalse(m.toString().startsWith("/ip4/0.0.0.0"), m.toString());
            }
            Connection c = a.dial(withPeer(reported.getFirst(), b.localPeer()));
            assertTrue(c.isOpen());
        }
    }

    @Test
    void dialFailureEventNamesThePeer() throws Exception {
        try (Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            EventRecorder ra = TestNodes.recorder(a);
            PeerId nobody = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
            DialException e = assertThrows(DialException.class,
                    () -> a.dial(nobody, List.of(Multiaddr.parse("/memory/55555"))));
            assertInstanceOf(java.net.ConnectException.class, e.getCause());
            assertEquals(nobody, ra.await(SwarmEvent.DialFailed.class).peer().orElseThrow());
        }
    }
}
