package org.jlibp2p.node;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.util.Closeables;
import org.jlibp2p.node.control.ControlRequest.ForwardClose;
import org.jlibp2p.node.control.ControlRequest.ForwardDial;
import org.jlibp2p.node.control.ControlRequest.ForwardList;
import org.jlibp2p.node.control.ControlRequest.ForwardListen;
import org.jlibp2p.node.control.ControlRequest.ForwardRequest;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.Forwarding;

/**
 * The FORWARD requests: local TCP services reached through libp2p streams, as {@code ipfs p2p} does it.
 *
 * <p>LISTEN exposes a TCP service: each inbound stream of its protocol is piped to a new TCP connection to the
 * service. FORWARD forwards a local port: each TCP connection accepted there is piped to a new stream of the
 * protocol to the peer. Bytes go both ways, half-closes included, so that closing either end closes the other.
 *
 * <p>Only what the user configured is forwarded: protocol ids must start with {@value #PREFIX} (so that no
 * forwarding can take over {@code /ipfs/kad/1.0.0} or any other protocol of the node), a protocol the node already
 * serves cannot be exposed, and targets and listen addresses are plain TCP addresses. At most
 * {@value #MAX_FORWARDINGS} forwardings exist at once, each piping at most {@value #MAX_CONNECTIONS} connections;
 * beyond that a stream is reset and a TCP connection closed.
 */
final class ForwardControl implements Closeable {
    private static final System.Logger LOG = System.getLogger(ForwardControl.class.getName());
    /** What every forwarded protocol id starts with. */
    static final String PREFIX = "/x/";
    static final int MAX_FORWARDINGS = 64;
    static final int MAX_CONNECTIONS = 256;
    private static final int PIPE_BUFFER = 64 * 1024;
    private static final int CONNECT_MILLIS = 10_000;
    private static final Duration STREAM_OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ACCEPTOR_EXIT = Duration.ofSeconds(2);

    private final Swarm swarm;
    /** Every forwarding, in the order made; guarded by itself. */
    private final List<Entry> entries = new ArrayList<>();
    private boolean closed;

    ForwardControl(Swarm swarm) {
        this.swarm = swarm;
    }

    ControlResponse handle(ForwardRequest req) throws IOException {
        return switch (req) {
            case ForwardListen l -> new ControlResponse.Forwardings(List.of(listen(l).describe()));
            case ForwardDial d -> new ControlResponse.Forwardings(List.of(forward(d).describe()));
            case ForwardList _ -> new ControlResponse.Forwardings(list());
            case ForwardClose c -> new ControlResponse.ForwardsClosed(close(c));
        };
    }

    List<Forwarding> list() {
        synchronized (entries) {
            return entries.stream().map(Entry::describe).toList();
        }
    }

    private static void checkProtocol(String protocol) throws FormatException {
        if (!protocol.startsWith(PREFIX) || protocol.length() == PREFIX.length()) {
            throw new FormatException("forwarded protocols must start with " + PREFIX + " (as with ipfs p2p), not "
                    + protocol);
        }
    }

    static Multiaddr p2p(PeerId peer) {
        try {
            return Multiaddr.parse("/p2p/" + peer);
        } catch (FormatException e) {
            throw new IllegalStateException("a peer id that does not make an address: " + peer, e);
        }
    }

    private static InetSocketAddress tcpAddress(String what, Multiaddr a) throws FormatException {
        Optional<InetSocketAddress> s = SocketAddresses.toInetSocketAddress(a);
        if (s.isEmpty() || a.components().size() != 2) {
            throw new FormatException(what + " must be a TCP address (/ip4|ip6/<addr>/tcp/<port>), not " + a);
        }
        return s.get();
    }

    private Entry listen(ForwardListen req) throws IOException {
        checkProtocol(req.protocol());
        InetSocketAddress target = tcpAddress("the target", req.target());
        if (target.getPort() == 0) {
            throw new FormatException("the target needs a port: " + req.target());
        }
        Inbound e = new Inbound(req.protocol(), req.target(), target);
        synchronized (entries) {
            admit();
            for (Entry x : entries) {
                if (x instanceof Inbound && x.protocol.equals(req.protocol())) {
                    throw new IOException("a listener for " + req.protocol() + " exists already");
                }
            }
            if (swarm.protocols().contains(req.protocol())) {
                throw new IOException("the node already serves " + req.protocol());
            }
            swarm.setStreamHandler(req.protocol(), e::serve);
            entries.add(e);
        }
        return e;
    }

    private Entry forward(ForwardDial req) throws IOException {
        checkProtocol(req.protocol());
        InetSocketAddress listen = tcpAddress("the listen address", req.listen());
        if (req.peer().equals(swarm.localPeer())) {
            throw new IOException("cannot forward to this node itself");
        }
        synchronized (entries) {
            admit();
        }
        ServerSocketChannel server = ServerSocketChannel.open(listen.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        Outbound e;
        try {
            server.bind(listen);
            Multiaddr bound = SocketAddresses.fromInetSocketAddress((InetSocketAddress) server.getLocalAddress());
            if (!req.peerAddrs().isEmpty()) {
                swarm.peerstore().addAddresses(req.peer(), req.peerAddrs());
            }
            e = new Outbound(req.protocol(), bound, req.peer(), server);
            synchronized (entries) {
                admit();
                entries.add(e);
            }
        } catch (IOException | RuntimeException ex) {
            server.close();
            throw ex;
        }
        e.acceptor = Thread.ofVirtual().name("forward-accept " + req.protocol()).start(e::acceptLoop);
        return e;
    }

    /** Throws when no forwarding may be added now. Holding the lock of {@link #entries}. */
    private void admit() throws IOException {
        if (closed) {
            throw new IOException("the daemon is closing");
        }
        if (entries.size() >= MAX_FORWARDINGS) {
            throw new IOException("at most " + MAX_FORWARDINGS + " forwardings at once; close one first");
        }
    }

    private int close(ForwardClose req) {
        List<Entry> gone = new ArrayList<>();
        synchronized (entries) {
            Iterator<Entry> it = entries.iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                Forwarding d = e.describe();
                boolean match = req.all() || (req.protocol().map(d.protocol()::equals).orElse(true)
                        && req.listen().map(d.listen()::equals).orElse(true)
                        && req.target().map(d.target()::equals).orElse(true));
                if (match) {
                    it.remove();
                    gone.add(e);
                }
            }
        }
        gone.forEach(Entry::close);
        return gone.size();
    }

    /** Closes every forwarding and its connections; no more can be made. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (entries) {
            closed = true;
            all = List.copyOf(entries);
            entries.clear();
        }
        all.forEach(Entry::close);
    }

    /** One forwarding and the connections it pipes. */
    private abstract static class Entry {
        final String protocol;
        final OpenConnections open = new OpenConnections();
        final Semaphore slots = new Semaphore(MAX_CONNECTIONS);

        Entry(String protocol) {
            this.protocol = protocol;
        }

        abstract Forwarding describe();

        int connections() {
            return MAX_CONNECTIONS - slots.availablePermits();
        }

        void close() {
            open.closeAll();
        }

        /** Pipes {@code stream} and {@code socket} until both directions end, then closes both. */
        void pipe(Stream stream, SocketChannel socket) {
            ChannelDuplex tcp = new ChannelDuplex(socket);
            AutoCloseable both = () -> {
                stream.reset();
                Closeables.closeQuietly(tcp);
            };
            if (!open.add(both)) {
                return;
            }
            try {
                stream.reserveMemory(2L * PIPE_BUFFER);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "no memory for " + stream + ": " + e.getMessage());
                open.release(both);
                return;
            }
            try {
                Thread up = Thread.ofVirtual().name("forward-up " + protocol).start(() -> copy(tcp, stream, stream));
                copy(stream, tcp, stream);
                up.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stream.releaseMemory(2L * PIPE_BUFFER);
                Closeables.closeQuietly(stream);
                open.release(both);
            }
        }
    }

    /** LISTEN: inbound streams of the protocol to a TCP service. */
    private final class Inbound extends Entry {
        final Multiaddr target;
        final InetSocketAddress targetSocket;

        Inbound(String protocol, Multiaddr target, InetSocketAddress targetSocket) {
            super(protocol);
            this.target = target;
            this.targetSocket = targetSocket;
        }

        @Override
        Forwarding describe() {
            return new Forwarding(protocol, p2p(swarm.localPeer()), target,
                    connections());
        }

        @Override
        void close() {
            swarm.removeStreamHandler(protocol);
            super.close();
        }

        void serve(Stream stream) {
            if (open.isClosed() || !slots.tryAcquire()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "forwarding " + protocol + " refused a stream from "
                        + stream.remotePeer() + ": closed or full");
                stream.reset();
                return;
            }
            try {
                SocketChannel socket = SocketChannel.open(targetSocket.getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                try {
                    socket.socket().connect(targetSocket, CONNECT_MILLIS);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "forwarding " + protocol + ": " + target
                            + " unreachable: " + e);
                    socket.close();
                    stream.reset();
                    return;
                }
                pipe(stream, socket);
            } catch (IOException e) {
                stream.reset();
            } finally {
                slots.release();
            }
        }
    }

    /** FORWARD: local TCP connections to streams of the protocol to a peer. */
    private final class Outbound extends Entry {
        final Multiaddr listen;
        final PeerId peer;
        final ServerSocketChannel server;
        volatile Thread acceptor;

        Outbound(String protocol, Multiaddr listen, PeerId peer, ServerSocketChannel server) {
            super(protocol);
            this.listen = listen;
            this.peer = peer;
            this.server = server;
        }

        @Override
        Forwarding describe() {
            return new Forwarding(protocol, listen, p2p(peer), connections());
        }

        /** Closes the port (returning once the accepting thread has let go of it) and the connections. */
        @Override
        void close() {
            Closeables.closeQuietly(server);
            Thread t = acceptor;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(ACCEPTOR_EXIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.close();
        }

        void acceptLoop() {
            while (server.isOpen()) {
                SocketChannel socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                if (!slots.tryAcquire()) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "forwarding " + protocol + " at " + listen
                            + ": full, connection refused");
                    Closeables.closeQuietly(socket);
                    continue;
                }
                Thread.ofVirtual().name("forward " + protocol).start(() -> {
                    try {
                        serve(socket);
                    } finally {
                        slots.release();
                    }
                });
            }
        }

        private void serve(SocketChannel socket) {
            if (!open.add(socket)) {
                return;
            }
            Stream stream;
            try {
                stream = Timeouts.call(STREAM_OPEN_TIMEOUT, "opening " + protocol + " to " + peer,
                        () -> swarm.newStream(peer, List.of(protocol)), Stream::reset);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "forwarding " + protocol + " to " + peer + " failed: " + e);
                open.release(socket);
                return;
            }
            open.forget(socket);   // from now on tracked (and closed) with its stream
            if (!socket.isOpen()) {
                stream.reset();
                return;
            }
            pipe(stream, socket);
        }
    }

    /** Copies until {@code from} ends, then half-closes {@code to}; a failure ends both directions. */
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
            stream.reset();
            Closeables.closeQuietly(from);
            Closeables.closeQuietly(to);
        }
    }
}
