package org.jlibp2p.node;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.jlibp2p.core.resource.RefusalLog;
import org.jlibp2p.core.util.Closeables;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.connmgr.ConnManager;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.node.control.BadRequestException;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlRequest.ConnManagerRequest;
import org.jlibp2p.node.control.ControlRequest.Connect;
import org.jlibp2p.node.control.ControlRequest.DhtRequest;
import org.jlibp2p.node.control.ControlRequest.Disconnect;
import org.jlibp2p.node.control.ControlRequest.Identify;
import org.jlibp2p.node.control.ControlRequest.ListPeers;
import org.jlibp2p.node.control.ControlRequest.Resources;
import org.jlibp2p.node.control.ControlRequest.PeerstoreQuery;
import org.jlibp2p.node.control.ControlRequest.StreamHandler;
import org.jlibp2p.node.control.ControlRequest.StreamOpen;
import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlResponse;

/**
 * Serves the libp2p daemon control protocol (go-libp2p-daemon specs/CONTROL.md) on a unix socket or a TCP port:
 * the socket, the framing, and the dispatch of each request to the handler of its area.
 *
 * <p>Every message is varint-length-delimited. A client sends a {@code Request} and reads one {@code Response}; like
 * go-libp2p-daemon, the daemon then reads the next request on the same connection until the client closes it
 * (clients usually open one connection per request). After a successful STREAM_OPEN the connection carries the
 * stream's bytes both ways ({@link StreamControl}).
 *
 * <p>Malformed input (a bad varint, an oversized length, bytes that are not a {@code Request}, a request without
 * its parameters, an unknown type) and a client that sends nothing within the request timeout are answered with
 * an ERROR response, then the connection is closed. A well-formed request that cannot be served (a peer id that
 * does not parse, a peer that cannot be reached) is answered with an ERROR and the connection stays open. Memory
 * held by requests being read is bounded by a shared byte budget.
 */
final class ControlServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
    /** Largest request accepted on the control socket (go-libp2p-daemon's limit, network.MessageSizeMax). */
    static final int MAX_REQUEST = 4 * 1024 * 1024;
    /** Bytes of requests being read at once, over all control connections. */
    static final int REQUEST_BUDGET = 32 * 1024 * 1024;
    /** Requests up to this size are read without drawing on the shared budget. */
    static final int SMALL_REQUEST = 16 * 1024;
    /**
     * Control connections reading or answering a request at once; more are closed on arrival. (A connection that
     * became a stream's pipe counts against the node's stream limits instead.)
     */
    static final int MAX_CONCURRENT_CLIENTS = 256;
    /** How long the daemon waits for a client to send (all of) a request. */
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Bytes discarded, and time waited, after an error so that closing does not reset the error response away. */
    private static final int DRAIN_LIMIT = 64 * 1024;
    private static final Duration DRAIN_TIME = Duration.ofSeconds(1);

    private final Multiaddr address;
    private final ServerSocketChannel server;
    private final Path socketFile;
    private final Duration requestTimeout;
    private final OpenConnections open = new OpenConnections();
    private final Semaphore requestBudget = new Semaphore(REQUEST_BUDGET);
    private final Semaphore clients = new Semaphore(MAX_CONCURRENT_CLIENTS);
    private final RefusalLog refusals;
    private final Scheduler timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ConnectionControl connections;
    private final StreamControl streams;
    private final PeerstoreControl peerstore;
    private final DhtControl dht;
    private final PubsubControl pubsub;
    private final ConnManagerControl connManager;
    private final ResourcesControl resources;
    private volatile FilesControl files = new FilesControl(Optional.empty());
    private final ForwardControl forwards;
    private final NatControl nat;

    private ControlServer(Swarm swarm, Multiaddr address, ServerSocketChannel server, Path socketFile,
            Duration requestTimeout, Optional<ConnManager> connManager, Optional<KademliaBehaviour> dht) {
        this.address = address;
        this.server = server;
        this.socketFile = socketFile;
        this.requestTimeout = requestTimeout;
        this.timer = swarm.scheduler();
        this.refusals = swarm.resources().refusals();
        this.resources = new ResourcesControl(swarm);
        this.nat = new NatControl(swarm);
        this.connections = new ConnectionControl(swarm);
        this.streams = new StreamControl(swarm, open);
        this.peerstore = new PeerstoreControl(swarm);
        this.pubsub = new PubsubControl(swarm, open);
        this.connManager = new ConnManagerControl(connManager);
        this.dht = new DhtControl(dht);
        this.forwards = new ForwardControl(swarm);
    }

    /**
     * Binds {@code listen} ({@code /unix/<path>} or {@code /ip4|ip6/<addr>/tcp/<port>}, see {@link ControlSocket})
     * and starts serving. Timeouts run on the node's scheduler. CONNMANAGER requests go to {@code connManager}
     * (when empty they are answered OK and change nothing, as go-libp2p-daemon does without a connection manager).
     */
    /** Serves the FILES requests with {@code fs} (p2pd -bitswap); without it they are answered "not enabled". */
    void enableFiles(org.jlibp2p.ipfs.FileSharing fs) {
        this.files = new FilesControl(Optional.of(fs));
    }

    static ControlServer start(Swarm swarm, Multiaddr listen, Duration requestTimeout,
            Optional<ConnManager> connManager) throws IOException {
        return start(swarm, listen, requestTimeout, connManager, Optional.empty());
    }

    /** As above; DHT requests go to {@code dht} (when empty they are answered "DHT not enabled", as go's are). */
    static ControlServer start(Swarm swarm, Multiaddr listen, Duration requestTimeout,
            Optional<ConnManager> connManager, Optional<KademliaBehaviour> dht) throws IOException {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive");
        }
        ControlSocket.Bound bound = ControlSocket.bind(listen);
        ControlServer cs = new ControlServer(swarm, bound.address(), bound.server(), bound.file().orElse(null),
                requestTimeout, connManager, dht);
        Thread.ofVirtual().name("control-accept").start(cs::acceptLoop);
        return cs;
    }

    Multiaddr address() {
        return address;
    }

    /** Bytes of the shared request budget no request being read holds now. */
    int requestBudgetAvailable() {
        return requestBudget.availablePermits();
    }

    // ---------------------------------------------------------------- accepting

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.log(System.Logger.Level.WARNING, "control socket failed", e);
                }
                return;
            }
            if (!clients.tryAcquire()) {
                refusals.refused("control clients", "on the control socket", "at most " + MAX_CONCURRENT_CLIENTS
                        + " control connections at once");
                Closeables.closeQuietly(ch);
                continue;
            }
            Thread.ofVirtual().name("control-conn").start(() -> {
                try {
                    serve(ch);
                } finally {
                    clients.release();
                }
            });
        }
    }

    // ---------------------------------------------------------------- one control connection

    private void serve(SocketChannel ch) {
        ChannelDuplex client = new ChannelDuplex(ch);
        if (!open.add(client)) {
            return;
        }
        boolean handedOver = false;
        try {
            while (!closed.get()) {
                byte[] frame = readRequest(client);
                if (frame == null) {
                    return;
                }
                ControlRequest req;
                try {
                    req = ControlCodec.decodeRequest(frame);
                } catch (FormatException e) {
                    // well-formed, but a value in it does not parse: answered, and the connection carries on
                    LOG.log(System.Logger.Level.DEBUG, () -> "unusable control request: " + e.getMessage());
                    respond(client, failure(e));
                    continue;
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "control request " + req);
                handedOver = handle(req, client);
                if (handedOver) {
                    return;
                }
            }
        } catch (BadRequestException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "bad control request: " + e.getMessage());
            respondQuietly(client, new ControlResponse.Error(e.getMessage()));
            closeGracefully(client);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "control connection failed: " + e);
        } finally {
            if (!handedOver) {
                open.release(client);
            }
        }
    }

    /**
     * Reads one request's bytes; null when the client closed the connection between requests.
     *
     * @throws BadRequestException for a broken or oversized frame, one that does not fit in the shared budget now,
     *     and one that does not arrive (whole) within the request timeout
     */
    private byte[] readRequest(ChannelDuplex client) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        Cancellable guard = timer.schedule(requestTimeout, () -> {
            expired.set(true);
            client.shutdownInputQuietly();
        });
        byte[] frame;
        try {
            long length;
            try {
                length = Varint.read(client.input());
            } catch (EOFException e) {
                if (expired.get()) {
                    throw new BadRequestException("no request within " + Timeouts.format(requestTimeout));
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
                frame = LengthPrefixed.readExactly(client.input(), n);
            } catch (TruncatedFrameException e) {
                throw new BadRequestException(expired.get()
                        ? "request incomplete after " + Timeouts.format(requestTimeout) + " (" + n
                                + " bytes announced)"
                        : "connection closed inside a request: " + e.getMessage());
            } finally {
                requestBudget.release(charged);
            }
        } catch (FormatException e) {
            throw new BadRequestException("malformed request: " + e.getMessage());
        } finally {
            guard.cancel();
        }
        if (expired.get()) {
            throw new BadRequestException("no request within " + Timeouts.format(requestTimeout));
        }
        return frame;
    }

    /**
     * Answers one request; returns true when the connection now belongs to a stream pipe. A request that fails is
     * answered with an ERROR and the connection stays open, as go-libp2p-daemon does.
     */
    private boolean handle(ControlRequest req, ChannelDuplex client) throws IOException {
        if (req instanceof ControlRequest.FilesRequest fr) {
            files.handle(fr, client); // answers itself, GET in several messages
            return false;
        }
        if (req instanceof DhtRequest d) {
            // answers itself, a streamed answer in several messages; only a broken connection escapes
            dht.handle(d, client);
            return false;
        }
        ControlResponse response;
        try {
            switch (req) {
                case StreamOpen so -> {
                    return streams.open(so, client);
                }
                case Identify _ -> response = connections.identify();
                case Connect c -> response = connections.connect(c);
                case Disconnect d -> response = connections.disconnect(d);
                case ListPeers _ -> response = connections.listPeers();
                case Resources _ -> response = resources.usage();
                case ControlRequest.Reachability _ -> response = nat.reachability();
                case StreamHandler sh -> response = streams.register(sh);
                case PeerstoreQuery q -> response = peerstore.query(q);
                case ConnManagerRequest cm -> response = connManager.handle(cm);
                case ControlRequest.PubsubSubscribe sub -> {
                    return pubsub.subscribe(sub, client);
                }
                case ControlRequest.PubsubRequest pr -> response = pubsub.handle(pr);
                case ControlRequest.ForwardRequest fr -> response = forwards.handle(fr);
                case DhtRequest _ -> throw new IllegalStateException("answered above");
                case ControlRequest.FilesRequest _ -> throw new IllegalStateException("answered above");
                case Unsupported u -> response = switch (u.area()) {
                    case DHT -> dht.unsupported(u);
                    case PUBSUB -> pubsub.handle(u);
                    case PEERSTORE -> peerstore.unsupported(u);
                };
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> req + " failed: " + e);
            response = failure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = failure(e);
        }
        respond(client, response);
        return false;
    }

    /** The ERROR response to a request that failed. */
    static ControlResponse failure(Throwable e) {
        return new ControlResponse.Error(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }

    static void respond(Duplex client, ControlResponse response) throws IOException {
        LengthPrefixed.write(client.output(), ControlCodec.encodeResponse(response));
    }

    private static void respondQuietly(Duplex client, ControlResponse response) {
        try {
            respond(client, response);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /**
     * Ends the write side after an error response, then discards what the client still sends (a little, briefly):
     * closing a socket with unread input sends a reset, which can destroy the response before the client reads it.
     */
    private void closeGracefully(ChannelDuplex client) {
        try {
            client.closeOutput();
            Cancellable guard = timer.schedule(DRAIN_TIME, client::shutdownInputQuietly);
            try {
                byte[] sink = new byte[4096];
                long total = 0;
                int n;
                while (total < DRAIN_LIMIT && (n = client.input().read(sink)) >= 0) {
                    total += n;
                }
            } finally {
                guard.cancel();
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    /** Stops accepting, closes every control connection and stream pipe, and removes the unix socket file. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            forwards.close();
            open.closeAll();
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        }
    }
}
