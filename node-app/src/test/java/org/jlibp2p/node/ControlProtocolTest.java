package org.jlibp2p.node;

import static org.jlibp2p.node.DaemonFixture.bytes;
import static org.jlibp2p.node.DaemonFixture.call;
import static org.jlibp2p.node.DaemonFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.testing.Background;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.node.DaemonFixture.Control;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every request type against two in-process daemons, over a unix and a TCP control socket. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class ControlProtocolTest {
    private static final String PROTO = "/jlibp2p/test/1.0.0";
    /** Helper threads of the tests (the common pool may have a single worker on a small machine). */
    private static final java.util.concurrent.ExecutorService THREADS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @TempDir
    Path dir;

    private P2pd.Daemon a;
    private P2pd.Daemon b;

    private void start(Control kind) throws Exception {
        a = DaemonFixture.start(kind, dir, "a");
        b = DaemonFixture.start(kind, dir, "b");
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private Multiaddr ctl(P2pd.Daemon d) {
        return d.control().address();
    }

    private static Request connectRequest(P2pd.Daemon to, long timeout) {
        P2pdProtos.ConnectRequest.Builder c = P2pdProtos.ConnectRequest.newBuilder()
                .setPeer(bytes(to.swarm().localPeer().bytes()));
        to.swarm().listenAddresses().forEach(x -> c.addAddrs(bytes(x.bytes())));
        if (timeout > 0) {
            c.setTimeout(timeout);
        }
        return Request.newBuilder().setType(Request.Type.CONNECT).setConnect(c).build();
    }

    private void connectAtoB() throws IOException {
        Response r = call(ctl(a), connectRequest(b, 0));
        assertEquals(Response.Type.OK, r.getType(), r.toString());
    }

    private static void assertError(Response r, String fragment) {
        assertEquals(Response.Type.ERROR, r.getType(), r.toString());
        assertTrue(r.getError().getMsg().contains(fragment), r.getError().getMsg());
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void identifyAnswersThePeerIdAndDialableAddresses(Control kind) throws Exception {
        start(kind);
        Response r = call(ctl(a), Request.newBuilder().setType(Request.Type.IDENTIFY).build());
        assertEquals(Response.Type.OK, r.getType());
        assertEquals(a.swarm().localPeer(), PeerId.fromBytes(r.getIdentify().getId().toByteArray()));
        List<Multiaddr> addrs = r.getIdentify().getAddrsList().stream().map(x -> {
            try {
                return Multiaddr.fromBytes(x.toByteArray());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertEquals(a.swarm().listenAddresses(), addrs);
        assertTrue(addrs.getFirst().toString().startsWith("/ip4/127.0.0.1/tcp/"), addrs.toString());
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void connectListPeersAndDisconnect(Control kind) throws Exception {
        start(kind);
        Request list = Request.newBuilder().setType(Request.Type.LIST_PEERS).build();
        assertEquals(0, call(ctl(a), list).getPeersCount());
        connectAtoB();
        Response peers = call(ctl(a), list);
        assertEquals(1, peers.getPeersCount(), peers.toString());
        assertEquals(b.swarm().localPeer(), PeerId.fromBytes(peers.getPeers(0).getId().toByteArray()));
        assertEquals(List.of(b.swarm().listenAddresses().getFirst()),
                List.of(Multiaddr.fromBytes(peers.getPeers(0).getAddrs(0).toByteArray())));
        assertTrue(eventually(Duration.ofSeconds(5), () -> {
            try {
                Response rb = call(ctl(b), list);
                return rb.getPeersCount() == 1
                        && PeerId.fromBytes(rb.getPeers(0).getId().toByteArray()).equals(a.swarm().localPeer());
            } catch (IOException e) {
                return false;
            }
        }));

        Response d = call(ctl(a), Request.newBuilder().setType(Request.Type.DISCONNECT)
                .setDisconnect(P2pdProtos.DisconnectRequest.newBuilder().setPeer(bytes(b.swarm().localPeer().bytes())))
                .build());
        assertEquals(Response.Type.OK, d.getType());
        assertEquals(0, call(ctl(a), list).getPeersCount());
        assertTrue(eventually(Duration.ofSeconds(5), () -> !b.swarm().isConnected(a.swarm().localPeer())));
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void connectFailuresAreErrorsAndTheTimeoutFieldIsInSeconds(Control kind) throws Exception {
        start(kind);
        // a closed port: refused at once
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Request refused = Request.newBuilder().setType(Request.Type.CONNECT).setConnect(
                P2pdProtos.ConnectRequest.newBuilder().setPeer(bytes(b.swarm().localPeer().bytes()))
                        .addAddrs(bytes(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + closedPort).bytes()))).build();
        assertEquals(Response.Type.ERROR, call(ctl(a), refused).getType());

        // a listener that accepts and never answers the handshake: the 1 s timeout of the request applies
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept();
                } catch (IOException e) {
                    return null;
                }
            }, THREADS);
            Request hang = Request.newBuilder().setType(Request.Type.CONNECT).setConnect(
                    P2pdProtos.ConnectRequest.newBuilder().setPeer(bytes(b.swarm().localPeer().bytes()))
                            .addAddrs(bytes(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + silent.getLocalPort()).bytes()))
                            .setTimeout(1)).build();
            long t0 = System.nanoTime();
            assertError(call(ctl(a), hang), "timed out after 1 s");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // The daemon's dial timeout runs on real time: not before the second it was given, and a generous
            // bound above (a loaded CI machine), far below the dial's own 60 s default it must not fall back to.
            assertTrue(ms >= 900 && ms < 10_000, ms + " ms");
            Socket s = held.getNow(null);
            if (s != null) {
                s.close();
            }
        }
        // the daemon still serves
        connectAtoB();
    }

    /** A handler socket of the same kind as the control socket. */
    private record Handler(ServerSocketChannel server, Multiaddr addr) implements AutoCloseable {
        static Handler open(Control kind, Path dir, String name) throws IOException {
            if (kind == Control.UNIX) {
                Path p = dir.resolve(name + ".sock");
                ServerSocketChannel s = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                s.bind(UnixDomainSocketAddress.of(p));
                return new Handler(s, Multiaddr.parse("/unix" + p));
            }
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new Handler(s, Multiaddr.parse("/ip4/127.0.0.1/tcp/"
                    + ((InetSocketAddress) s.getLocalAddress()).getPort()));
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private Response register(P2pd.Daemon d, Multiaddr addr, String... protos) throws IOException {
        return call(ctl(d), Request.newBuilder().setType(Request.Type.STREAM_HANDLER)
                .setStreamHandler(P2pdProtos.StreamHandlerRequest.newBuilder().setAddr(bytes(addr.bytes()))
                        .addAllProto(List.of(protos))).build());
    }

    private ChannelDuplex openStream(P2pd.Daemon from, P2pd.Daemon to, List<String> protos,
            Response[] response) throws IOException {
        ChannelDuplex conn = new ChannelDuplex(
                ControlClient.connect(ControlSocket.socketAddress(ctl(from))));
        LengthPrefixed.write(conn.output(), Request.newBuilder().setType(Request.Type.STREAM_OPEN)
                .setStreamOpen(P2pdProtos.StreamOpenRequest.newBuilder().setPeer(bytes(to.swarm().localPeer().bytes()))
                        .addAllProto(protos)).build().toByteArray());
        response[0] = Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
        return conn;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void streamOpenedThroughOneDaemonReachesTheHandlerOnTheOther(Control kind) throws Exception {
        start(kind);
        connectAtoB();
        byte[] up = new byte[1 << 20];
        byte[] down = new byte[1 << 20];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        try (Handler h = Handler.open(kind, dir, "handler")) {
            assertEquals(Response.Type.OK, register(b, h.addr(), PROTO).getType());
            Background<byte[]> received = Background.call(() -> {
                try (ChannelDuplex in = new ChannelDuplex(h.server().accept())) {
                    P2pdProtos.StreamInfo info = P2pdProtos.StreamInfo.parseFrom(
                            LengthPrefixed.read(in.input(), 4096));
                    assertEquals(a.swarm().localPeer(), PeerId.fromBytes(info.getPeer().toByteArray()));
                    assertEquals(PROTO, info.getProto());
                    byte[] got = in.input().readAllBytes();      // ends at the opener's half-close
                    in.output().write(down);                     // the stream still carries the answer
                    in.closeOutput();
                    return got;
                }
            });
            Response[] r = new Response[1];
            try (ChannelDuplex s = openStream(a, b, List.of("/nope/1.0.0", PROTO), r)) {
                assertEquals(Response.Type.OK, r[0].getType(), r[0].toString());
                assertEquals(PROTO, r[0].getStreamInfo().getProto());
                assertEquals(b.swarm().localPeer(), PeerId.fromBytes(r[0].getStreamInfo().getPeer().toByteArray()));
                assertEquals(b.swarm().listenAddresses().getFirst(),
                        Multiaddr.fromBytes(r[0].getStreamInfo().getAddr().toByteArray()));
                Background<byte[]> answer = Background.call(() -> s.input().readAllBytes());
                s.output().write(up);
                s.closeOutput();
                assertArrayEquals(sha256(up), sha256(received.join(10)));
                assertArrayEquals(sha256(down), sha256(answer.join(10)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void streamOpenErrors(Control kind) throws Exception {
        start(kind);
        connectAtoB();
        Response[] r = new Response[1];
        openStream(a, b, List.of("/nobody/speaks/this"), r).close();
        assertError(r[0], "/nobody/speaks/this");
        openStream(a, b, List.of(), r).close();
        assertError(r[0], "no protocol");
        // a protocol registered with a handler address nobody answers: the stream opens, then is reset
        Path gone = dir.resolve("gone.sock");
        assertEquals(Response.Type.OK, register(b, Multiaddr.parse("/unix" + gone), PROTO).getType());
        // the daemon resets it when the handler cannot be reached; that may beat the negotiation's answer
        try (ChannelDuplex s = openStream(a, b, List.of(PROTO), r)) {
            if (r[0].getType() == Response.Type.ERROR) {
                assertTrue(r[0].getError().getMsg().contains("reset"), r[0].toString());
            } else {
                int n;
                try {
                    n = s.input().read();
                } catch (IOException e) {
                    n = -1;
                }
                assertEquals(-1, n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void echoThroughStreamOpenAndHandlerReplacement(Control kind) throws Exception {
        start(kind);
        connectAtoB();
        Response[] r = new Response[1];
        try (ChannelDuplex s = openStream(a, b, List.of("/echo/1.0.0"), r)) {
            assertEquals(Response.Type.OK, r[0].getType(), r[0].toString());
            s.output().write("hello".getBytes());
            s.closeOutput();
            assertEquals("hello", new String(s.input().readAllBytes()));
        }
        try (Handler first = Handler.open(kind, dir, "first"); Handler second = Handler.open(kind, dir, "second")) {
            assertEquals(Response.Type.OK, register(b, first.addr(), PROTO).getType());
            assertEquals(Response.Type.OK, register(b, second.addr(), PROTO).getType());
            Background<String> got = Background.call(() -> {
                try (ChannelDuplex in = new ChannelDuplex(second.server().accept())) {
                    LengthPrefixed.read(in.input(), 4096);
                    return new String(in.input().readAllBytes());
                }
            });
            try (ChannelDuplex s = openStream(a, b, List.of(PROTO), r)) {
                s.output().write("to the second".getBytes());
                s.closeOutput();
                assertEquals("to the second", got.join(10));
            }
            first.server().configureBlocking(false);
            assertEquals(null, first.server().accept());
        }
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void aHandlerForAnIdMultistreamCannotCarryIsRefusedAndInboundStreamsStillWork(Control kind) throws Exception {
        start(kind);
        connectAtoB();
        try (Handler h = Handler.open(kind, dir, "handler")) {
            // the node lists what it serves in every negotiation: one such id would fail every inbound stream
            assertError(register(b, h.addr(), PROTO, "/two\nlines/1.0.0"), "not a protocol id");
            assertError(register(b, h.addr(), ""), "not a protocol id");
        }
        Response[] r = new Response[1];
        try (ChannelDuplex s = openStream(a, b, List.of("/echo/1.0.0"), r)) {
            assertEquals(Response.Type.OK, r[0].getType(), r[0].toString());
            s.output().write("still served".getBytes());
            s.closeOutput();
            assertEquals("still served", new String(s.input().readAllBytes()));
        }
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void peerstoreAnswersProtocolsAndAddresses(Control kind) throws Exception {
        start(kind);
        connectAtoB();
        PeerId pb = b.swarm().localPeer();
        Request protocols = Request.newBuilder().setType(Request.Type.PEERSTORE).setPeerStore(
                P2pdProtos.PeerstoreRequest.newBuilder().setType(P2pdProtos.PeerstoreRequest.Type.GET_PROTOCOLS)
                        .setId(bytes(pb.bytes()))).build();
        assertTrue(eventually(Duration.ofSeconds(5), () -> {
            try {
                return call(ctl(a), protocols).getPeerStore().getProtosList().contains(PingBehaviour.PROTOCOL_ID);
            } catch (IOException e) {
                return false;
            }
        }));
        Response info = call(ctl(a), Request.newBuilder().setType(Request.Type.PEERSTORE).setPeerStore(
                P2pdProtos.PeerstoreRequest.newBuilder().setType(P2pdProtos.PeerstoreRequest.Type.GET_PEER_INFO)
                        .setId(bytes(pb.bytes()))).build());
        assertEquals(Response.Type.OK, info.getType());
        assertEquals(pb, PeerId.fromBytes(info.getPeerStore().getPeer().getId().toByteArray()));
        assertTrue(info.getPeerStore().getPeer().getAddrsList().contains(
                bytes(b.swarm().listenAddresses().getFirst().bytes())));
        assertError(call(ctl(a), Request.newBuilder().setType(Request.Type.PEERSTORE).setPeerStore(
                P2pdProtos.PeerstoreRequest.newBuilder().setId(bytes(pb.bytes()))).build()), "UNSPECIFIED");
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void featuresNotBuiltAnswerErrorsNamingThem(Control kind) throws Exception {
        start(kind);
        assertError(call(ctl(a), Request.newBuilder().setType(Request.Type.DHT).setDht(
                P2pdProtos.DHTRequest.newBuilder().setType(P2pdProtos.DHTRequest.Type.FIND_PEER)
                        .setPeer(bytes(a.swarm().localPeer().bytes()))).build()), "DHT not enabled");
        assertError(call(ctl(a), Request.newBuilder().setType(Request.Type.PUBSUB).setPubsub(
                P2pdProtos.PSRequest.newBuilder().setType(P2pdProtos.PSRequest.Type.GET_TOPICS)).build()), "pubsub");
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void severalRequestsOnOneConnection(Control kind) throws Exception {
        start(kind);
        SocketAddress addr = ControlSocket.socketAddress(ctl(a));
        try (ChannelDuplex conn = new ChannelDuplex(SocketChannel.open(addr))) {
            for (int i = 0; i < 3; i++) {
                LengthPrefixed.write(conn.output(),
                        Request.newBuilder().setType(Request.Type.IDENTIFY).build().toByteArray());
                Response r = Response.parseFrom(LengthPrefixed.read(conn.input(), 1 << 20));
                assertEquals(Response.Type.OK, r.getType());
            }
            conn.closeOutput();
            assertEquals(-1, conn.input().read());
        }
        assertFalse(a.swarm().isClosed());
    }
}
