package org.jlibp2p.core.swarm;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ConnectionScope;
import org.jlibp2p.core.resource.ResourceManager;
import org.jlibp2p.core.resource.StreamScope;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.time.SystemScheduler;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.core.util.Closeables;
import org.jlibp2p.core.util.Deadline;
import org.jlibp2p.core.util.IoCall;
import org.jlibp2p.core.util.TaskGroup;

/**
 * The heart of a node: owns listeners and connections, upgrades raw connections (security, then muxer), dials
 * peers over their known addresses, routes each inbound stream to the handler that the behaviour serving its
 * protocol made for its connection, keeps the {@link Peerstore}, and delivers {@link SwarmEvent}s, in one order, to
 * the {@link Behaviour}s and to subscribers.
 *
 * <p>Everything runs on virtual threads, all tracked, so that none outlives {@link #close()}: one accept loop per
 * listener, one upgrade per inbound connection, one stream-accept loop per connection, one thread per inbound stream,
 * one event dispatcher, and one thread per behaviour.
 */
public final class Swarm implements Closeable {
    private static final System.Logger LOG = System.getLogger(Swarm.class.getName());
    /** How long {@link #close()} waits for connections to close and behaviours to take the last events. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final SwarmConfig config;
    private final PeerId localPeer;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final TaskGroup tasks;
    private final TaskGroup loopThreads;
    private final Upgrader upgrader;
    private final Dialer dialer;
    private final Peerstore peerstore = new Peerstore();
    private final Dispatcher dispatcher;
    private final Thread dispatcherThread;
    private final Map<String, BehaviourLoop> protocolOwners = new ConcurrentHashMap<>();
    private final Set<String> limitedProtocols = ConcurrentHashMap.newKeySet();
    private final Map<PeerId, List<SwarmConnection>> connections = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Multiaddr> externalAddresses = new LinkedHashSet<>(); // guarded by itself
    private final List<BehaviourLoop> behaviours = new CopyOnWriteArrayList<>();
    private final AppStreamHandlers appHandlers = new AppStreamHandlers();
    private final BehaviourLoop appLoop;
    private final ResourceManager resources;
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private volatile boolean closed;

    public Swarm(SwarmConfig config) {
        this.config = config;
        this.localPeer = PeerId.fromPublicKey(config.identity().publicKey());
        String tag = localPeer.toString().substring(Math.max(0, localPeer.toString().length() - 6));
        this.ownsScheduler = config.scheduler().isEmpty();
        this.scheduler = config.scheduler().orElseGet(() -> new SystemScheduler("swarm-" + tag + "-timer"));
        this.tasks = new TaskGroup("swarm-" + tag);
        this.loopThreads = new TaskGroup("swarm-" + tag + "-behaviours");
        this.upgrader = new Upgrader(config.security(), config.muxers(), scheduler, tasks);
        this.dialer = new Dialer(this);
        this.resources = new ResourceManager(config.limits().resources(), scheduler);
        for (var channel : config.security()) {
            if (!channel.authenticates()) {
                LOG.log(System.Logger.Level.WARNING, "security protocol " + channel.protocolId() + " proves no"
                        + " identity and encrypts nothing: any peer can connect as any peer id. Use it only on a"
                        + " network you control, for tests");
            }
        }
        this.dispatcher = new Dispatcher(config.eventQueueCapacity());
        this.dispatcherThread = loopThreads.start("swarm-" + tag + "-events", dispatcher::run);
        this.appLoop = startBehaviour(appHandlers);
    }

    public PeerId localPeer() {
        return localPeer;
    }

    public PublicKey publicKey() {
        return config.identity().publicKey();
    }

    /** The node's identity key, for behaviours that sign (peer records, pubsub messages). */
    public PrivateKey identity() {
        return config.identity();
    }

    public SwarmConfig config() {
        return config;
    }

    public Peerstore peerstore() {
        return peerstore;
    }

    /** The node's time and timers. */
    public Scheduler scheduler() {
        return scheduler;
    }

    TaskGroup tasks() {
        return tasks;
    }

    /** What the node's connections and streams hold, against its limits; and the refusals so far. */
    public ResourceManager resources() {
        return resources;
    }

    /** Threads this swarm has running (behaviours, connections, streams, handlers): none once closed. */
    public int activeThreads() {
        return tasks.active() + loopThreads.active();
    }

    // ---------------------------------------------------------------- behaviours and protocols

    /**
     * Adds a behaviour: it gets a thread of its own, is started on it, receives the ConnectionEstablished of every
     * connection open now, then every event from now on. Returns once {@link Behaviour#start} has run.
     */
    public void addBehaviour(Behaviour behaviour) {
        ensureOpen();
        startBehaviour(behaviour).awaitStarted();
    }

    private BehaviourLoop startBehaviour(Behaviour behaviour) {
        BehaviourLoop loop = new BehaviourLoop(behaviour, this, config.eventQueueCapacity());
        behaviours.add(loop);
        loop.startThread(loopThreads.newThread(loop::run));
        loop.thread().setName("behaviour-" + loop);
        dispatcher.addBehaviour(loop);
        return loop;
    }

    /** The first added behaviour of {@code type}, e.g. the ping behaviour a ready-made stack added. */
    public <T extends Behaviour> Optional<T> behaviour(Class<T> type) {
        return behaviours.stream().map(BehaviourLoop::behaviour).filter(type::isInstance).map(type::cast)
                .findFirst();
    }

    /**
     * Routes inbound streams negotiating {@code protocol}, on every connection, to {@code handler}: the simple way to
     * serve a protocol that keeps no state per connection.
     *
     * @throws IllegalStateException if the protocol is served already (by a behaviour or an earlier call)
     */
    public void setStreamHandler(String protocol, StreamHandler handler) {
        appHandlers.put(protocol, handler);
        try {
            serve(appLoop, protocol);
        } catch (RuntimeException e) {
            if (protocolOwners.get(protocol) != appLoop) {
                appHandlers.remove(protocol);
            }
            throw e;
        }
    }

    /** Stops serving a protocol registered with {@link #setStreamHandler}. */
    public void removeStreamHandler(String protocol) {
        stopServing(appLoop, protocol);
        appHandlers.remove(protocol);
    }

    void serve(BehaviourLoop owner, String protocol) {
        // Every negotiation lists the node's protocols: one it cannot carry would fail every inbound stream.
        Multistream.checkProtocolId(protocol);
        BehaviourLoop previous = protocolOwners.putIfAbsent(protocol, owner);
        if (previous == null) {
            publish(new SwarmEvent.LocalInfoChanged());
        } else if (previous != owner) {
            throw new IllegalStateException(protocol + " is served already, by " + previous);
        } else if (owner == appLoop) {
            throw new IllegalStateException(protocol + " has a stream handler already");
        }
    }

    void stopServing(BehaviourLoop owner, String protocol) {
        if (protocolOwners.remove(protocol, owner)) {
            publish(new SwarmEvent.LocalInfoChanged());
        }
    }

    /**
     * Lets streams of {@code protocol} run on limited connections (through a circuit relay), in both directions;
     * streams of other protocols are refused there, as go-libp2p refuses them unless a protocol opts in. Relay
     * control protocols and hole punching opt in; an application opts in for the protocols it means to run over
     * relays.
     */
    public void allowOnLimitedConnections(String protocol) {
        Multistream.checkProtocolId(protocol);
        limitedProtocols.add(protocol);
    }

    boolean allowedOnLimitedConnections(String protocol) {
        return limitedProtocols.contains(protocol);
    }

    /** The protocols this node serves, sorted. */
    public Set<String> protocols() {
        return new TreeSet<>(protocolOwners.keySet());
    }

    // ---------------------------------------------------------------- events

    /**
     * A channel of every event, for the application; see {@link EventSubscription} for what happens when it falls
     * behind.
     */
    public EventSubscription subscribe(int capacity) {
        return dispatcher.subscribe(capacity);
    }

    public EventSubscription subscribe() {
        return subscribe(1024);
    }

    /**
     * Waits until every behaviour has handled every event published before this call (not what those events set
     * going on other threads); false if {@code timeout} passed first. For tests and simulations that need the node
     * quiet before their next step.
     */
    public boolean awaitEventsHandled(Duration timeout) throws InterruptedException {
        BehaviourLoop.refuseBlockingCall("awaitEventsHandled");
        return dispatcher.awaitHandled(timeout);
    }

    void publish(SwarmEvent event) {
        dispatcher.publish(event);
    }

    // ---------------------------------------------------------------- addresses

    /** Starts listening on {@code address}; returns the address actually bound (port 0 picks a free port). */
    public Multiaddr listen(Multiaddr address) throws IOException {
        ensureOpen();
        Transport transport = config.transports().stream().filter(t -> t.canListen(address)).findFirst()
                .orElseThrow(() -> new IOException("no transport can listen on " + address));
        Listener listener = transport.listen(address);
        listeners.add(listener);
        try {
            tasks.start("swarm-listen-" + listener.address(), () -> acceptLoop(listener));
        } catch (RejectedExecutionException e) {
            listeners.remove(listener);
            Closeables.closeQuietly(listener);
            throw new IllegalStateException("swarm is closed");
        }
        publish(new SwarmEvent.ListenAddressAdded(listener.address()));
        publish(new SwarmEvent.LocalInfoChanged());
        return listener.address();
    }

    /**
     * The addresses this node listens on, as others can dial them: a listener bound to a wildcard address
     * ({@code 0.0.0.0} or {@code ::}) is reported once per address of the machine's interfaces of that family,
     * loopback included.
     */
    public List<Multiaddr> listenAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (Listener l : listeners) {
            for (Multiaddr a : InterfaceAddresses.expand(l.address())) {
                if (!out.contains(a)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** External addresses confirmed by the behaviours (e.g. observed by enough peers). */
    public List<Multiaddr> externalAddresses() {
        synchronized (externalAddresses) {
            return List.copyOf(externalAddresses);
        }
    }

    void confirmExternalAddress(Multiaddr address) {
        boolean added;
        synchronized (externalAddresses) {
            added = externalAddresses.add(address);
        }
        if (added) {
            publish(new SwarmEvent.ExternalAddressConfirmed(address));
            publish(new SwarmEvent.LocalInfoChanged());
        }
    }

    void removeExternalAddress(Multiaddr address) {
        boolean removed;
        synchronized (externalAddresses) {
            removed = externalAddresses.remove(address);
        }
        if (removed) {
            publish(new SwarmEvent.ExternalAddressExpired(address));
            publish(new SwarmEvent.LocalInfoChanged());
        }
    }

    private void acceptLoop(Listener listener) {
        while (!closed) {
            RawConnection raw;
            try {
                raw = listener.accept();
            } catch (IOException e) {
                if (!closed && listeners.contains(listener)) {
                    LOG.log(System.Logger.Level.WARNING, "listener " + listener.address() + " failed", e);
                }
                break;
            }
            // Counted before the handshake starts, against its IP and the pending scope: a flood from one address
            // or of silent connections fills its own share, not the node's.
            ConnectionScope scope;
            try {
                scope = resources.openConnection(Direction.INBOUND, raw.remoteAddress(), true);
            } catch (LimitExceededException e) {
                Closeables.closeQuietly(raw);
                publish(new SwarmEvent.IncomingConnectionFailed(raw.remoteAddress(), e));
                continue;
            }
            try {
                tasks.start("swarm-upgrade-" + raw.remoteAddress(), () -> upgradeInbound(raw, scope));
            } catch (RejectedExecutionException e) {
                scope.close();
                Closeables.closeQuietly(raw);
                break;
            }
        }
        if (listeners.remove(listener)) {
            Closeables.closeQuietly(listener);
            publish(new SwarmEvent.ListenAddressExpired(listener.address()));
        }
    }

    private void upgradeInbound(RawConnection raw, ConnectionScope scope) {
        try {
            Upgrader.Upgraded up;
            try {
                up = withDeadline(raw, () -> upgrader.inbound(raw));
            } catch (IOException e) {
                if (!closed) {
                    resources.refusals().refused(e instanceof SocketTimeoutException ? "handshake timeout"
                            : "handshake failed", "from " + raw.remoteAddress(), String.valueOf(e.getMessage()));
                }
                throw e;
            }
            try {
                register(up, raw, Direction.INBOUND, scope);
            } catch (IOException | RuntimeException e) {
                Closeables.closeQuietly(up.session());
                throw e;
            }
        } catch (IOException e) {
            scope.close();
            Closeables.closeQuietly(raw);
            LOG.log(System.Logger.Level.DEBUG, () -> "inbound connection from " + raw.remoteAddress() + " failed: " + e);
            publish(new SwarmEvent.IncomingConnectionFailed(raw.remoteAddress(), e));
        } catch (RuntimeException e) {
            scope.close();
            Closeables.closeQuietly(raw);
            LOG.log(System.Logger.Level.DEBUG, () -> "inbound connection from " + raw.remoteAddress() + " failed: " + e);
            publish(new SwarmEvent.IncomingConnectionFailed(raw.remoteAddress(),
                    new IOException(String.valueOf(e.getMessage()), e)));
        }
    }

    // ---------------------------------------------------------------- dialling

    /** Returns an open connection to {@code peer}, dialling its known addresses when there is none. */
    public Connection dial(PeerId peer) throws IOException {
        return dial(peer, List.of());
    }

    /**
     * Adds {@code addresses} to what is known of {@code peer}, then returns an open connection to it: one open
     * already (a direct one first), else a new one (direct addresses first, relayed ones after
     * {@link SwarmConfig#relayDialDelay()}). When only a limited (relayed) connection is open and {@code addresses}
     * name a direct address, the peer's direct addresses are dialled.
     */
    public Connection dial(PeerId peer, Collection<Multiaddr> addresses) throws IOException {
        ensureOpen();
        return dialer.dial(peer, addresses);
    }

    /**
     * Dials one address. With a {@code /p2p/<id>} suffix the remote must prove that identity and an existing
     * connection to it is reused; without one any identity is accepted.
     */
    public Connection dial(Multiaddr address) throws IOException {
        ensureOpen();
        return dialer.dial(address);
    }

    /** Opens a stream to {@code peer} (dialling if needed) negotiating the first protocol it supports. */
    public Stream newStream(PeerId peer, List<String> protocols) throws IOException {
        return dial(peer).newStream(protocols);
    }

    /**
     * Upgrades a raw connection that did not come from one of the swarm's transports or listeners (a circuit relay's
     * stream, a hole-punched socket) in the given role, then registers it as any other connection. In the
     * {@link Direction#OUTBOUND} role this side starts the security handshake and the remote must be
     * {@code expected}; in the inbound role it answers, and a remote other than {@code expected} is refused. The
     * connection is limited when {@code raw} is. Closes {@code raw} on failure.
     */
    public Connection upgrade(RawConnection raw, Direction role, PeerId expected) throws IOException {
        BehaviourLoop.refuseBlockingCall("upgrade");
        ensureOpen();
        ConnectionScope scope;
        try {
            scope = resources.openConnection(role, raw.remoteAddress(), false);
        } catch (LimitExceededException e) {
            Closeables.closeQuietly(raw);
            throw e;
        }
        try {
            Upgrader.Upgraded up = withDeadline(raw, () -> role == Direction.OUTBOUND
                    ? upgrader.outbound(raw, Optional.of(expected)) : upgrader.inbound(raw));
            if (!up.secured().remotePeer().equals(expected)) {
                Closeables.closeQuietly(up.session());
                throw new org.jlibp2p.core.security.PeerIdMismatchException(expected, up.secured().remotePeer());
            }
            try {
                return register(up, raw, role, scope);
            } catch (IOException | RuntimeException e) {
                Closeables.closeQuietly(up.session());
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            scope.close();
            Closeables.closeQuietly(raw);
            throw e;
        }
    }

    Upgrader upgrader() {
        return upgrader;
    }

    /** Runs an upgrade step, closing the raw connection (which fails the step) if it outlasts the handshake timeout. */
    <T> T withDeadline(RawConnection raw, IoCall<T> work) throws IOException {
        return withDeadline(config.limits().handshakeTimeout(), () -> Closeables.closeQuietly(raw), "handshake", work);
    }

    /** Runs a stream negotiation, resetting the stream (which fails the negotiation) past the negotiation timeout. */
    <T> T withStreamDeadline(MuxedStream s, IoCall<T> work) throws IOException {
        return withDeadline(config.limits().negotiationTimeout(), s::reset, "protocol negotiation", work);
    }

    /**
     * Runs {@code work}; if it is still running after {@code timeout} on the node's clock, {@code abort} makes it fail
     * (by closing what it reads), and the failure is reported as a {@link SocketTimeoutException}.
     */
    private <T> T withDeadline(Duration timeout, Runnable abort, String what, IoCall<T> work) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        Cancellable guard = scheduler.schedule(timeout, () -> {
            expired.set(true);
            abort.run();
        });
        try {
            return work.call();
        } catch (IOException e) {
            if (expired.get()) {
                SocketTimeoutException t = new SocketTimeoutException(what + " timed out after " + timeout);
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            guard.cancel();
        }
    }

    // ---------------------------------------------------------------- connections

    /**
     * Admits an upgraded connection: counts it against the limits, announces it to the behaviours (which make their
     * handlers), shows it to queries, then starts serving its inbound streams once every handler exists.
     */
    Connection register(Upgrader.Upgraded up, RawConnection raw, Direction direction, ConnectionScope scope)
            throws IOException {
        PeerId remote = up.secured().remotePeer();
        SwarmConnection c;
        synchronized (this) {
            ensureOpen();
            // The system scope counted the connection when it was accepted or dialled; now its peer's does.
            scope.setPeer(remote);
            c = new SwarmConnection(nextConnectionId.getAndIncrement(), direction, localPeer, remote,
                    up.secured().remotePublicKey(), raw.localAddress(), raw.remoteAddress(), up.security(),
                    up.muxer(), up.session(), scheduler.now(), scope, this, raw.limited());
            connections.computeIfAbsent(remote, k -> new CopyOnWriteArrayList<>()).add(c);
        }
        peerstore.putPublicKey(remote, up.secured().remotePublicKey());
        if (direction == Direction.OUTBOUND) {
            peerstore.addAddresses(remote, List.of(raw.remoteAddress()));
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "connection established: " + c);
        // Announced before anyone can see it, so that its ConnectionClosed, whoever causes it, comes after.
        publish(new SwarmEvent.ConnectionEstablished(c));
        c.visible = true;
        if (closed) {
            c.closeFor(new CloseCause.Shutdown());
            throw new IllegalStateException("swarm is closed");
        }
        try {
            tasks.start("conn-" + c.id() + "-streams", () -> acceptStreams(c));
        } catch (RejectedExecutionException e) {
            c.closeFor(new CloseCause.Shutdown());
            throw new IllegalStateException("swarm is closed");
        }
        if (!config.idleConnectionTimeout().isZero()) {
            c.watchIdle(config.idleConnectionTimeout());
        }
        return c;
    }

    void connectionClosed(SwarmConnection c, CloseCause cause) {
        synchronized (this) {
            List<SwarmConnection> list = connections.get(c.remotePeer());
            if (list != null && list.remove(c)) {
                if (list.isEmpty()) {
                    connections.remove(c.remotePeer(), list);
                }
            }
        }
        publish(new SwarmEvent.ConnectionClosed(c, cause));
    }

    /** Hands each inbound stream of {@code c} to its own thread until the session ends, then retires {@code c}. */
    private void acceptStreams(SwarmConnection c) {
        CloseCause cause = new CloseCause.Remote("closed");
        try {
            if (!c.awaitHandlers()) {
                return;
            }
            while (true) {
                MuxedStream s = c.session().acceptStream();
                StreamScope scope;
                try {
                    scope = c.scope().openStream(Direction.INBOUND);
                } catch (LimitExceededException e) {
                    s.reset();
                    LOG.log(System.Logger.Level.DEBUG, () -> "inbound stream on " + c + " refused: " + e.getMessage());
                    continue;
                }
                try {
                    tasks.start("conn-" + c.id() + "-stream-" + s.id(), () -> serveStream(c, s, scope));
                } catch (RejectedExecutionException e) {
                    scope.close();
                    s.reset();
                    cause = new CloseCause.Shutdown();
                    break;
                }
            }
        } catch (SessionClosedException e) {
            cause = e.getCause() instanceof IOException io ? new CloseCause.Failed(io)
                    : e.getCause() != null ? new CloseCause.Failed(e) : new CloseCause.Remote(e.getMessage());
        } catch (IOException e) {
            cause = new CloseCause.Failed(e);
        } catch (InterruptedException e) {
            cause = new CloseCause.Shutdown();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream accept loop of " + c + " failed", e);
            cause = new CloseCause.Failed(new IOException("internal error: " + e, e));
        }
        c.closeFor(cause);
    }

    private void serveStream(SwarmConnection c, MuxedStream s, StreamScope scope) {
        try {
            // The whole negotiation must finish in time: a peer trickling proposals is cut off too.
            String protocol;
            try {
                protocol = withStreamDeadline(s, () -> Multistream.accept(s, protocolOwners.keySet()));
            } catch (SocketTimeoutException e) {
                resources.refusals().refused("negotiation timeout", "peer " + c.remotePeer() + " from "
                        + c.remoteAddress(), e.getMessage());
                throw e;
            }
            if (c.limited() && !limitedProtocols.contains(protocol)) {
                LOG.log(System.Logger.Level.DEBUG, () -> protocol + " may not run on the limited " + c);
                s.reset();
                return;
            }
            BehaviourLoop owner = protocolOwners.get(protocol);
            ConnectionHandler handler = owner == null ? null : c.handler(owner);
            if (handler == null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "no handler for " + protocol + " on " + c);
                s.reset();
                return;
            }
            scope.setProtocol(protocol, owner == appLoop ? null : owner.toString());
            Stream stream = new Stream(s, c, protocol, Direction.INBOUND, scope);
            publish(new SwarmEvent.InboundStream(c, protocol));
            handler.handleInbound(stream);
            stream.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "inbound stream on " + c + " failed: " + e);
            s.reset();
        } finally {
            scope.close();
        }
    }

    /** An open connection to {@code peer}, if any; one that is not {@linkplain Connection#limited() limited} first. */
    public Optional<Connection> connection(PeerId peer) {
        List<SwarmConnection> list = connections.get(peer);
        if (list == null) {
            return Optional.empty();
        }
        List<SwarmConnection> open = list.stream().filter(c -> c.visible && c.isOpen()).toList();
        return open.stream().filter(c -> !c.limited()).findFirst().or(() -> open.stream().findFirst())
                .map(Connection.class::cast);
    }

    /** Every established connection. */
    public List<Connection> connections() {
        List<Connection> out = new ArrayList<>();
        for (List<SwarmConnection> list : connections.values()) {
            for (SwarmConnection c : list) {
                if (c.visible) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The peers with at least one open connection. */
    public List<PeerId> connectedPeers() {
        return connections().stream().map(Connection::remotePeer).distinct().toList();
    }

    public boolean isConnected(PeerId peer) {
        return connection(peer).isPresent();
    }

    /** Closes every connection to {@code peer}. */
    public void disconnect(PeerId peer) {
        List<SwarmConnection> list = connections.get(peer);
        if (list != null) {
            list.stream().filter(c -> c.visible).forEach(Connection::close);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    void ensureOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("swarm is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the swarm, idempotently: stops listening, refuses new dials, closes every connection (in parallel, each
     * bounded by its muxer's close timeout), ends every thread it started, delivers the events this produced
     * ({@code ListenAddressExpired}, {@code ConnectionClosed}) to the behaviours, then stops the behaviours. No event
     * is delivered after {@link Behaviour#stop()}. Must not be called on a behaviour's thread.
     */
    @Override
    public void close() {
        BehaviourLoop.refuseBlockingCall("Swarm.close");
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Listener l : listeners) {
            if (listeners.remove(l)) {
                Closeables.closeQuietly(l);
                publish(new SwarmEvent.ListenAddressExpired(l.address()));
            }
        }
        Deadline deadline = Deadline.after(CLOSE_WAIT);
        List<Thread> closers = new ArrayList<>();
        for (List<SwarmConnection> list : connections.values()) {
            for (SwarmConnection c : list) {
                try {
                    closers.add(tasks.start("swarm-close-" + c.id(), () -> c.closeFor(new CloseCause.Shutdown())));
                } catch (RejectedExecutionException e) {
                    c.closeFor(new CloseCause.Shutdown());
                }
            }
        }
        try {
            if (!deadline.joinAll(closers)) {
                LOG.log(System.Logger.Level.DEBUG, "connections did not close within " + CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Upgrades in progress, stream handlers, spawned tasks: interrupted, and waited for.
        if (!tasks.close(deadline.remaining().plusSeconds(1))) {
            LOG.log(System.Logger.Level.DEBUG, () -> "threads still running after close: " + tasks);
        }
        dispatcher.stop();
        try {
            if (!deadline.join(dispatcherThread)) {
                dispatcherThread.interrupt();
            }
            for (BehaviourLoop l : behaviours) {
                if (!Deadline.after(Duration.ofSeconds(1)).join(l.thread())) {
                    LOG.log(System.Logger.Level.DEBUG, "behaviour " + l + " did not stop in time");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loopThreads.close(Duration.ofSeconds(1));
        if (ownsScheduler) {
            ((SystemScheduler) scheduler).close();
        }
    }
}
