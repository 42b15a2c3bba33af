package org.jlibp2p.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;

/**
 * Serves the libp2p daemon control protocol (go-libp2p-daemon specs/CONTROL.md) on a unix socket or a loopback TCP
 * port: one varint-delimited {@code Request} per control connection, answered by one {@code Response}; after a
 * successful STREAM_OPEN the connection carries the stream's bytes. Inbound streams of protocols registered with
 * STREAM_HANDLER are delivered by dialling the client's address, writing a delimited {@code StreamInfo}, then piping.
 */
final class ControlServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
    /** Largest request accepted on the control socket. */
    static final int MAX_REQUEST = 4 * 1024 * 1024;
    private static final int PIPE_BUFFER = 64 * 1024;

    private final Swarm swarm;
    private final Multiaddr address;
    private final ServerSocketChannel server;
    private final Path socketFile;
    private final Map<String, Multiaddr> handlerAddresses = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ControlServer(Swarm swarm, Multiaddr address, ServerSocketChannel server, Path socketFile) {
        this.swarm = swarm;
        this.address = address;
        this.server = server;
        this.socketFile = socketFile;
    }

    /** Binds {@code listen} ({@code /unix/<path>} or {@code /ip4|ip6/<addr>/tcp/<port>}) and starts serving. */
    static ControlServer start(Swarm swarm, Multiaddr listen) throws IOException {
        SocketAddress bind = socketAddress(listen);
        ServerSocketChannel server;
        Path file = null;
        if (bind instanceof UnixDomainSocketAddress unix) {
            file = unix.getPath();
            removeStaleSocket(unix);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(unix);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot restrict permissions of " + file);
            }
        } else {
            InetSocketAddress inet = (InetSocketAddress) bind;
            server = ServerSocketChannel.open(inet.getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            server.bind(inet);
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            listen = Multiaddr.parse(listen.toString().replaceAll("/tcp/\\d+$", "/tcp/" + bound.getPort()));
        }
        ControlServer cs = new ControlServer(swarm, listen, server, file);
        Thread.ofVirtual().name("control-accept").start(cs::acceptLoop);
        return cs;
    }

    /** The socket address a control multiaddr names. */
    static SocketAddress socketAddress(Multiaddr maddr) throws IOException {
        String s = maddr.toString();
        if (s.startsWith("/unix/")) {
            return UnixDomainSocketAddress.of(s.substring("/unix".length()));
        }
        var m = java.util.regex.Pattern.compile("^/(ip4|ip6)/([^/]+)/tcp/(\\d+)$").matcher(s);
        if (m.matches()) {
            return new InetSocketAddress(java.net.InetAddress.getByName(m.group(2)), Integer.parseInt(m.group(3)));
        }
        throw new IOException("unsupported control address " + maddr + " (use /unix/<path> or /ip4/<addr>/tcp/<port>)");
    }

    private static void removeStaleSocket(UnixDomainSocketAddress unix) throws IOException {
        if (!Files.exists(unix.getPath())) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(unix)) {
            throw new IOException("control socket " + unix.getPath() + " is in use by another daemon");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("in use by another daemon")) {
                throw e;
            }
            Files.deleteIfExists(unix.getPath());
        }
    }

    Multiaddr address() {
        return address;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "control socket failed", e);
                }
                return;
            }
            Thread.ofVirtual().name("control-conn").start(() -> serve(ch));
        }
    }

    private void serve(SocketChannel ch) {
        ChannelDuplex client = new ChannelDuplex(ch);
        boolean handedOver = false;
        try {
            Request req;
            try {
                req = Request.parseFrom(LengthPrefixed.read(client.input(), MAX_REQUEST));
            } catch (InvalidProtocolBufferException e) {
                throw new FormatException("malformed control request: " + e.getMessage());
            }
            handedOver = handle(req, client);
        } catch (FormatException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "bad control request: " + e.getMessage());
            respondQuietly(client, error(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "control request failed: " + e);
            respondQuietly(client, error(String.valueOf(e.getMessage())));
        } finally {
            if (!handedOver) {
                closeQuietly(client);
            }
        }
    }

    /** Handles one request; returns true when the connection now belongs to a stream pipe. */
    private boolean handle(Request req, ChannelDuplex client) throws IOException {
        switch (req.getType()) {
            case IDENTIFY -> respond(client, ok().setIdentify(P2pdProtos.IdentifyResponse.newBuilder()
                    .setId(ByteString.copyFrom(swarm.localPeer().bytes()))
                    .addAllAddrs(swarm.listenAddresses().stream().map(a -> ByteString.copyFrom(a.bytes())).toList()))
                    .build());
            case CONNECT -> {
                if (!req.hasConnect()) {
                    throw new FormatException("CONNECT without a ConnectRequest");
                }
                PeerId peer = PeerId.fromBytes(req.getConnect().getPeer().toByteArray());
                List<Multiaddr> addrs = new ArrayList<>();
                for (ByteString a : req.getConnect().getAddrsList()) {
                    addrs.add(Multiaddr.fromBytes(a.toByteArray()));
                }
                swarm.dial(peer, addrs);
                respond(client, ok().build());
            }
            case DISCONNECT -> {
                if (!req.hasDisconnect()) {
                    throw new FormatException("DISCONNECT without a DisconnectRequest");
                }
                swarm.disconnect(PeerId.fromBytes(req.getDisconnect().getPeer().toByteArray()));
                respond(client, ok().build());
            }
            case LIST_PEERS -> {
                Response.Builder r = ok();
                for (Connection c : swarm.connections()) {
                    r.addPeers(P2pdProtos.PeerInfo.newBuilder()
                            .setId(ByteString.copyFrom(c.remotePeer().bytes()))
                            .addAddrs(ByteString.copyFrom(c.remoteAddress().bytes())));
                }
                respond(client, r.build());
            }
            case STREAM_OPEN -> {
                return streamOpen(req, client);
            }
            case STREAM_HANDLER -> {
                if (!req.hasStreamHandler()) {
                    throw new FormatException("STREAM_HANDLER without a StreamHandlerRequest");
                }
                Multiaddr target = Multiaddr.fromBytes(req.getStreamHandler().getAddr().toByteArray());
                socketAddress(target);
                for (String proto : req.getStreamHandler().getProtoList()) {
                    handlerAddresses.put(proto, target);
                    swarm.setStreamHandler(proto, stream -> deliver(stream, target));
                }
                respond(client, ok().build());
            }
            case PEERSTORE -> respond(client, peerstore(req));
            case DHT -> respond(client, error("DHT is not available: the Kademlia DHT is not built yet"));
            case PUBSUB -> respond(client, error("PUBSUB is not available: pubsub is not built yet"));
            case CONNMANAGER -> respond(client, error("CONNMANAGER is not available: the connection manager is not built yet"));
            default -> respond(client, error("unsupported request type " + req.getType()));
        }
        return false;
    }

    private boolean streamOpen(Request req, ChannelDuplex client) throws IOException {
        if (!req.hasStreamOpen() || req.getStreamOpen().getProtoCount() == 0) {
            throw new FormatException("STREAM_OPEN without a peer and protocols");
        }
        PeerId peer = PeerId.fromBytes(req.getStreamOpen().getPeer().toByteArray());
        Stream stream = swarm.newStream(peer, req.getStreamOpen().getProtoList());
        try {
            respond(client, ok().setStreamInfo(streamInfo(stream)).build());
        } catch (IOException e) {
            stream.reset();
            throw e;
        }
        Thread.ofVirtual().name("control-stream").start(() -> {
            try {
                pipe(stream, client);
            } finally {
                closeQuietly(stream);
                closeQuietly(client);
            }
        });
        return true;
    }

    private Response peerstore(Request req) throws FormatException {
        if (!req.hasPeerStore()) {
            throw new FormatException("PEERSTORE without a PeerstoreRequest");
        }
        P2pdProtos.PeerstoreRequest ps = req.getPeerStore();
        PeerId peer = PeerId.fromBytes(ps.getId().toByteArray());
        return switch (ps.getType()) {
            case GET_PROTOCOLS -> ok().setPeerStore(P2pdProtos.PeerstoreResponse.newBuilder()
                    .addAllProtos(swarm.peerstore().protocols(peer))).build();
            case GET_PEER_INFO -> ok().setPeerStore(P2pdProtos.PeerstoreResponse.newBuilder()
                    .setPeer(P2pdProtos.PeerInfo.newBuilder().setId(ByteString.copyFrom(peer.bytes()))
                            .addAllAddrs(swarm.peerstore().addresses(peer).stream()
                                    .map(a -> ByteString.copyFrom(a.bytes())).toList()))).build();
            default -> error("unsupported PEERSTORE request type " + ps.getType());
        };
    }

    private static P2pdProtos.StreamInfo streamInfo(Stream stream) {
        return P2pdProtos.StreamInfo.newBuilder()
                .setPeer(ByteString.copyFrom(stream.remotePeer().bytes()))
                .setAddr(ByteString.copyFrom(stream.connection().remoteAddress().bytes()))
                .setProto(stream.protocol()).build();
    }

    /** Hands an inbound stream to the client that registered its protocol. */
    private void deliver(Stream stream, Multiaddr target) throws IOException {
        SocketAddress addr = socketAddress(target);
        SocketChannel ch = SocketChannel.open(addr instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : ((InetSocketAddress) addr).getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        ChannelDuplex client = new ChannelDuplex(ch);
        try {
            ch.connect(addr);
            LengthPrefixed.write(client.output(), streamInfo(stream).toByteArray());
            pipe(stream, client);
        } finally {
            closeQuietly(client);
        }
    }

    /** Copies both ways until both directions end, half-closing each side as its source ends. */
    private static void pipe(Stream stream, Duplex client) {
        Thread up = Thread.ofVirtual().name("pipe-to-peer").start(() -> copy(client, stream));
        copy(stream, client);
        try {
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Duplex from, Duplex to) {
        byte[] buf = new byte[PIPE_BUFFER];
        try {
            InputStream in = from.input();
            OutputStream out = to.output();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.closeOutput();
        } catch (IOException e) {
            if (from instanceof Stream s) {
                s.reset();
            } else if (to instanceof Stream s) {
                s.reset();
            }
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static Response.Builder ok() {
        return Response.newBuilder().setType(Response.Type.OK);
    }

    static Response error(String message) {
        return Response.newBuilder().setType(Response.Type.ERROR)
                .setError(P2pdProtos.ErrorResponse.newBuilder().setMsg(Objects.requireNonNullElse(message, "error")))
                .build();
    }

    private static void respond(Duplex client, Response r) throws IOException {
        LengthPrefixed.write(client.output(), r.toByteArray());
        client.output().flush();
    }

    private static void respondQuietly(Duplex client, Response r) {
        try {
            respond(client, r);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        if (socketFile != null) {
            Files.deleteIfExists(socketFile);
        }
    }

    /** A blocking socket channel as a {@link Duplex}. */
    static final class ChannelDuplex implements Duplex {
        private final SocketChannel ch;
        private final InputStream in;
        private final OutputStream out;

        ChannelDuplex(SocketChannel ch) {
            this.ch = ch;
            this.in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    int n;
                    do {
                        n = ch.read(ByteBuffer.wrap(b, off, len));
                    } while (n == 0);
                    return n;
                }
            };
            this.out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
            };
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public void closeOutput() throws IOException {
            if (ch.isOpen()) {
                ch.shutdownOutput();
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    static Duration timeoutOf(long seconds, Duration fallback) {
        return seconds > 0 ? Duration.ofSeconds(seconds) : fallback;
    }
}
