package org.jlibp2p.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;

/**
 * Serves the libp2p daemon control protocol (go-libp2p-daemon specs/CONTROL.md) on a unix socket or a TCP port.
 *
 * <p>Every message is varint-length-delimited. A client sends a {@code Request} and reads one {@code Response}; like
 * go-libp2p-daemon, the daemon then reads the next request on the same connection until the client closes it
 * (clients usually open one connection per request). After a successful STREAM_OPEN the connection carries the
 * stream's bytes both ways, half-closes included. Inbound streams of protocols registered with STREAM_HANDLER are
 * delivered by dialling the client's address, writing a delimited {@code StreamInfo}, then piping the same way.
 *
 * <p>Malformed input (a bad varint, an oversized length, bytes that are not a {@code Request}, a request without
 * its parameters, an unknown type) and a client that sends nothing within the request timeout are answered with
 * an ERROR response, then the connection is closed. Memory held by requests being read is bounded by a shared
 * byte budget.
 */
final class ControlServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
    /** Largest request accepted on the control socket (go-libp2p-daemon's limit, network.MessageSizeMax). */
    static final int MAX_REQUEST = 4 * 1024 * 1024;
    /** Bytes of requests being read at once, over all control connections. */
    static final int REQUEST_BUDGET = 32 * 1024 * 1024;
    /** How long CONNECT and STREAM_OPEN may take when the request sets no timeout (go-libp2p-daemon's default). */
    static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(60);
    /** How long the daemon waits for a client to send (all of) a request. */
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int PIPE_BUFFER = 64 * 1024;

    private final Swarm swarm;
    private final Multiaddr address;
    private final ServerSocketChannel server;
    private final Path socketFile;
    private final Duration requestTimeout;
    private final Map<String, Multiaddr> handlerAddresses = new ConcurrentHashMap<>();
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final Semaphore requestBudget = new Semaphore(REQUEST_BUDGET);
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    private ControlServer(Swarm swarm, Multiaddr address, ServerSocketChannel server, Path socketFile,
            Duration requestTimeout) {
        this.swarm = swarm;
        this.address = address;
        this.server = server;
        this.socketFile = socketFile;
        this.requestTimeout = requestTimeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "control-timer");
            t.setDaemon(true);
            return t;
        });
    }

    static ControlServer start(Swarm swarm, Multiaddr listen) throws IOException {
        return start(swarm, listen, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Binds {@code listen} ({@code /unix/<path>} or {@code /ip4|ip6/<addr>/tcp/<port>}) and starts serving.
     *
     * <p>A unix socket file is made readable and writable by its owner only. An existing file at that path is
     * replaced when it is a socket nobody listens on (left by a daemon that died), and refused otherwise.
     */
    static ControlServer start(Swarm swarm, Multiaddr listen, Duration requestTimeout) throws IOException {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive");
        }
        SocketAddress bind = socketAddress(listen);
        ServerSocketChannel server;
        Path file = null;
        if (bind instanceof UnixDomainSocketAddress unix) {
            file = unix.getPath();
            removeStaleSocket(file);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(unix);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | UnsupportedOperationException e) {
                server.close();
                Files.deleteIfExists(file);
                throw e instanceof IOException io ? io
                        : new IOException("cannot restrict the permissions of " + file + ": " + e.getMessage());
            }
        } else {
            InetSocketAddress inet = (InetSocketAddress) bind;
            server = ServerSocketChannel.open(family(inet));
            try {
                server.bind(inet);
            } catch (IOException e) {
                server.close();
                throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
            }
            listen = SocketAddresses.fromInetSocketAddress((InetSocketAddress) server.getLocalAddress());
        }
        ControlServer cs = new ControlServer(swarm, listen, server, file, requestTimeout);
        Thread.ofVirtual().name("control-accept").start(cs::acceptLoop);
        return cs;
    }

    /** The socket address a control or handler multiaddr names. */
    static SocketAddress socketAddress(Multiaddr maddr) throws IOException {
        List<Component> c = maddr.components();
        if (c.size() == 1 && c.get(0).protocol() == Protocol.UNIX) {
            return UnixDomainSocketAddress.of(c.get(0).valueString());
        }
        Optional<InetSocketAddress> inet = SocketAddresses.toInetSocketAddress(maddr);
        if (inet.isPresent()) {
            return inet.get();
        }
        throw new FormatException("unsupported socket address " + maddr
                + " (use /unix/<path> or /ip4/<addr>/tcp/<port>)");
    }

    static StandardProtocolFamily family(SocketAddress addr) {
        if (addr instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        return ((InetSocketAddress) addr).getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException("cannot use " + path + " as the control socket: a file that is not a socket exists"
                    + " there");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("control socket " + path + " is in use by another daemon");
        } catch (java.net.ConnectException e) {
            // nobody listens: a socket file left by a daemon that did not shut down cleanly
            Files.deleteIfExists(path);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(path);
        }
    }

    Multiaddr address() {
        return address;
    }

    /** The unix socket file, if the control socket is one. */
    Optional<Path> socketFile() {
        return Optional.ofNullable(socketFile);
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

    /** A request the daemon will not serve: answered with an ERROR response, then the connection is closed. */
    static final class BadRequestException extends IOException {
        private static final long serialVersionUID = 1L;

        BadRequestException(String message) {
            super(message);
        }
    }

    private void serve(SocketChannel ch) {
        ChannelDuplex client = new ChannelDuplex(ch);
        open.add(client);
        boolean handedOver = false;
        try {
            while (!closed) {
                Request req = readRequest(client);
                if (req == null) {
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "control request " + req.getType());
                handedOver = handle(req, client);
                if (handedOver) {
                    return;
                }
            }
        } catch (BadRequestException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "bad control request: " + e.getMessage());
            respondQuietly(client, error(e.getMessage()));
            closeGracefully(client);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "control connection failed: " + e);
        } finally {
            if (!handedOver) {
                open.remove(client);
                closeQuietly(client);
            }
        }
    }

    /** Bytes discarded, and time waited, after an error so that closing does not reset the error response away. */
    private static final int DRAIN_LIMIT = 64 * 1024;
    private static final Duration DRAIN_TIME = Duration.ofSeconds(1);

    /**
     * Ends the write side after an error response, then discards what the client still sends (a little, briefly):
     * closing a socket with unread input sends a reset, which can destroy the response before the client reads it.
     */
    private void closeGracefully(ChannelDuplex client) {
        try {
            client.closeOutput();
            ScheduledFuture<?> guard = timer.schedule(client::shutdownInputQuietly, DRAIN_TIME.toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                byte[] sink = new byte[4096];
                long total = 0;
                int n;
                while (total < DRAIN_LIMIT && (n = client.input().read(sink)) >= 0) {
                    total += n;
                }
            } finally {
                guard.cancel(false);
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    /** Requests up to this size are read without drawing on the shared budget. */
    static final int SMALL_REQUEST = 16 * 1024;

    /**
     * Reads one request; null when the client closed the connection between requests.
     *
     * @throws BadRequestException for anything but a well-formed request of a known type, in time
     */
    private Request readRequest(ChannelDuplex client) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = timer.schedule(() -> {
            expired.set(true);
            client.shutdownInputQuietly();
        }, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        byte[] frame;
        try {
            long length;
            try {
                length = Varint.read(client.input());
            } catch (EOFException e) {
                if (expired.get()) {
                    throw new BadRequestException("no request within " + seconds(requestTimeout));
                }
                return null;
            }
            if (length > MAX_REQUEST) {
                throw new BadRequestException(new FrameTooLargeException(length, MAX_REQUEST).getMessage());
            }
            int n = (int) length;
            int charged = n > SMALL_REQUEST ? n : 0;
            if (!requestBudget.tryAcquire(charged)) {
                throw new BadRequestException("the daemon is reading too many requests at once; try again");
            }
            try {
                frame = client.input().readNBytes(n);
            } finally {
                requestBudget.release(charged);
            }
            if (frame.length != n) {
                throw new BadRequestException(expired.get()
                        ? "request incomplete after " + seconds(requestTimeout) + " (" + frame.length + " of " + n
                                + " bytes)"
                        : "connection closed inside a request (" + frame.length + " of " + n + " bytes)");
            }
        } catch (FormatException e) {
            throw new BadRequestException("malformed request: " + e.getMessage());
        } finally {
            guard.cancel(false);
        }
        if (expired.get()) {
            throw new BadRequestException("no request within " + seconds(requestTimeout));
        }
        return parse(frame);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Parses a request, naming what is wrong with one that is not complete. */
    static Request parse(byte[] frame) throws BadRequestException {
        Request req;
        try {
            req = Request.parser().parsePartialFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new BadRequestException("malformed request: not a Request message (" + e.getMessage() + ")");
        }
        if (!req.hasType()) {
            UnknownFieldSet.Field t = req.getUnknownFields().getField(Request.TYPE_FIELD_NUMBER);
            if (t != null && !t.getVarintList().isEmpty()) {
                throw new BadRequestException("unknown request type " + t.getVarintList().getLast());
            }
            throw new BadRequestException("malformed request: no request type");
        }
        if (!req.isInitialized()) {
            throw new BadRequestException("malformed " + req.getType() + " request: missing "
                    + String.join(", ", req.findInitializationErrors()));
        }
        return req;
    }

    /** Handles one well-formed request; returns true when the connection now belongs to a stream pipe. */
    private boolean handle(Request req, ChannelDuplex client) throws IOException {
        Response response;
        try {
            switch (req.getType()) {
                case STREAM_OPEN -> {
                    return streamOpen(req, client);
                }
                case IDENTIFY -> response = identify();
                case CONNECT -> response = connect(req);
                case DISCONNECT -> response = disconnect(req);
                case LIST_PEERS -> response = listPeers();
                case STREAM_HANDLER -> response = streamHandler(req);
                case PEERSTORE -> response = peerstore(req);
                case DHT -> response = error("DHT requests are not supported: this daemon has no DHT yet"
                        + " (the Kademlia DHT is not built)");
                case PUBSUB -> response = error("PUBSUB requests are not supported: this daemon has no pubsub yet"
                        + " (gossipsub is not built)");
                case CONNMANAGER -> response = error("CONNMANAGER requests are not supported: this daemon has no"
                        + " connection manager yet");
                default -> throw new BadRequestException("unknown request type " + req.getType());
            }
        } catch (BadRequestException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the request was fine but could not be served: report and keep the connection, as go-libp2p-daemon does
            LOG.log(System.Logger.Level.DEBUG, () -> req.getType() + " failed: " + e);
            response = error(message(e));
        }
        respond(client, response);
        return false;
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private Response identify() {
        return ok().setIdentify(P2pdProtos.IdentifyResponse.newBuilder()
                .setId(ByteString.copyFrom(swarm.localPeer().bytes()))
                .addAllAddrs(bytesOf(swarm.listenAddresses()))).build();
    }

    private Response connect(Request req) throws IOException {
        if (!req.hasConnect()) {
            throw new BadRequestException("malformed CONNECT request: missing connect");
        }
        P2pdProtos.ConnectRequest c = req.getConnect();
        PeerId peer = PeerId.fromBytes(c.getPeer().toByteArray());
        List<Multiaddr> addrs = new ArrayList<>();
        for (ByteString a : c.getAddrsList()) {
            addrs.add(Multiaddr.fromBytes(a.toByteArray()));
        }
        withTimeout(c.getTimeout(), "connecting to " + peer, () -> swarm.dial(peer, addrs), conn -> { });
        return ok().build();
    }

    private Response disconnect(Request req) throws IOException {
        if (!req.hasDisconnect()) {
            throw new BadRequestException("malformed DISCONNECT request: missing disconnect");
        }
        swarm.disconnect(PeerId.fromBytes(req.getDisconnect().getPeer().toByteArray()));
        return ok().build();
    }

    /** One entry per connection, with the remote address of that connection, as go-libp2p-daemon answers. */
    private Response listPeers() {
        Response.Builder r = ok();
        for (Connection c : swarm.connections()) {
            if (c.isOpen()) {
                r.addPeers(P2pdProtos.PeerInfo.newBuilder()
                        .setId(ByteString.copyFrom(c.remotePeer().bytes()))
                        .addAddrs(ByteString.copyFrom(c.remoteAddress().bytes())));
            }
        }
        return r.build();
    }

    /**
     * Routes inbound streams of the given protocols to the client's address; a later request for the same protocol
     * replaces the address. There is no request to remove a handler (go-libp2p-daemon has none either): it lasts
     * until the daemon stops, and a stream whose handler address no longer answers is reset.
     */
    private Response streamHandler(Request req) throws IOException {
        if (!req.hasStreamHandler()) {
            throw new BadRequestException("malformed STREAM_HANDLER request: missing streamHandler");
        }
        Multiaddr target = Multiaddr.fromBytes(req.getStreamHandler().getAddr().toByteArray());
        socketAddress(target);
        for (String proto : req.getStreamHandler().getProtoList()) {
            Multiaddr previous = handlerAddresses.put(proto, target);
            if (previous == null) {
                swarm.setStreamHandler(proto, this::deliver);
            }
        }
        return ok().build();
    }

    private boolean streamOpen(Request req, ChannelDuplex client) throws IOException {
        Stream stream;
        try {
            if (!req.hasStreamOpen()) {
                throw new BadRequestException("malformed STREAM_OPEN request: missing streamOpen");
            }
            P2pdProtos.StreamOpenRequest so = req.getStreamOpen();
            PeerId peer = PeerId.fromBytes(so.getPeer().toByteArray());
            if (so.getProtoCount() == 0) {
                throw new IOException("STREAM_OPEN names no protocol");
            }
            stream = withTimeout(so.getTimeout(), "opening a stream to " + peer,
                    () -> swarm.newStream(peer, so.getProtoList()), Stream::reset);
        } catch (BadRequestException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            respond(client, error(message(e)));
            return false;
        }
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
                open.remove(client);
            }
        });
        return true;
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call} for at most {@code seconds} (the request's timeout field; zero or less means the default
     * of 60 s, as in go-libp2p-daemon). A result that arrives after the deadline goes to {@code late}.
     */
    private static <T> T withTimeout(long seconds, String what, IoCall<T> call, Consumer<T> late)
            throws IOException {
        Duration timeout = seconds > 0 ? Duration.ofSeconds(Math.min(seconds, 24 * 3600))
                : DEFAULT_OPERATION_TIMEOUT;
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("control-op").start(() -> {
            try {
                T v = call.call();
                if (!result.complete(v)) {
                    late.accept(v);
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (result.completeExceptionally(e)) {
                worker.interrupt();
                throw new IOException(what + " timed out after " + seconds(timeout));
            }
            return result.join();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(what + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
    }

    private Response peerstore(Request req) throws IOException {
        if (!req.hasPeerStore()) {
            throw new BadRequestException("malformed PEERSTORE request: missing peerStore");
        }
        P2pdProtos.PeerstoreRequest ps = req.getPeerStore();
        if (!ps.hasId()) {
            throw new BadRequestException("malformed PEERSTORE request: missing peerStore.id");
        }
        PeerId peer = PeerId.fromBytes(ps.getId().toByteArray());
        return switch (ps.getType()) {
            case GET_PROTOCOLS -> ok().setPeerStore(P2pdProtos.PeerstoreResponse.newBuilder()
                    .addAllProtos(swarm.peerstore().protocols(peer))).build();
            case GET_PEER_INFO -> ok().setPeerStore(P2pdProtos.PeerstoreResponse.newBuilder()
                    .setPeer(P2pdProtos.PeerInfo.newBuilder().setId(ByteString.copyFrom(peer.bytes()))
                            .addAllAddrs(bytesOf(swarm.peerstore().addresses(peer))))).build();
            default -> error("unsupported PEERSTORE request type " + ps.getType()
                    + " (supported: GET_PROTOCOLS, GET_PEER_INFO)");
        };
    }

    private static List<ByteString> bytesOf(List<Multiaddr> addrs) {
        return addrs.stream().map(a -> ByteString.copyFrom(a.bytes())).toList();
    }

    private static P2pdProtos.StreamInfo streamInfo(Stream stream) {
        return P2pdProtos.StreamInfo.newBuilder()
                .setPeer(ByteString.copyFrom(stream.remotePeer().bytes()))
                .setAddr(ByteString.copyFrom(stream.connection().remoteAddress().bytes()))
                .setProto(stream.protocol()).build();
    }

    /** Hands an inbound stream to the client that registered its protocol; resets it if that client is gone. */
    private void deliver(Stream stream) throws IOException {
        Multiaddr target = handlerAddresses.get(stream.protocol());
        if (target == null || closed) {
            stream.reset();
            return;
        }
        SocketAddress addr = socketAddress(target);
        SocketChannel ch = SocketChannel.open(family(addr));
        ChannelDuplex client = new ChannelDuplex(ch);
        open.add(client);
        try {
            if (addr instanceof InetSocketAddress) {
                ch.socket().connect(addr, 10_000);
            } else {
                ch.connect(addr);
            }
            respond(client, streamInfo(stream).toByteArray());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "handler at " + target + " for " + stream.protocol()
                    + " unreachable: " + e);
            stream.reset();
            open.remove(client);
            closeQuietly(client);
            return;
        }
        try {
            pipe(stream, client);
        } finally {
            open.remove(client);
            closeQuietly(client);
        }
    }

    /** Copies both ways until both directions end, half-closing each side as its source ends. */
    private static void pipe(Stream stream, Duplex client) {
        Thread up = Thread.ofVirtual().name("pipe-to-peer").start(() -> copy(client, stream, stream));
        copy(stream, client, stream);
        try {
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Duplex from, Duplex to, Stream stream) {
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
        } catch (IOException | RuntimeException e) {
            // one side failed: abort the stream and drop the client, which ends the other direction too
            stream.reset();
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

    private static void respond(ChannelDuplex client, Response r) throws IOException {
        respond(client, r.toByteArray());
    }

    private static void respond(ChannelDuplex client, byte[] message) throws IOException {
        byte[] buf = new byte[Varint.encodedLength(message.length) + message.length];
        int n = Varint.encode(message.length, buf, 0);
        System.arraycopy(message, 0, buf, n, message.length);
        client.output().write(buf);
    }

    private static void respondQuietly(ChannelDuplex client, Response r) {
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

    /** Stops accepting, closes every control connection and stream pipe, and removes the unix socket file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } finally {
            for (Closeable c : open) {
                closeQuietly(c);
            }
            timer.shutdownNow();
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        }
    }
}
