package org.jlibp2p.core.swarm;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;

/**
 * The heart of a node: owns listeners and connections, upgrades raw connections (security, then muxer), dials
 * peers over their known addresses, routes inbound streams to the handler of their protocol, keeps the
 * {@link Peerstore}, and delivers {@link SwarmEvent}s to the {@link Behaviour}s.
 *
 * <p>Everything runs on virtual threads: one accept loop per listener, one upgrade per inbound connection, one
 * stream-accept loop per connection, one thread per inbound stream, and one event thread.
 */
public final class Swarm implements Closeable {
    private static final System.Logger LOG = System.getLogger(Swarm.class.getName());

    private final SwarmConfig config;
    private final PeerId localPeer;
    private final Upgrader upgrader;
    private final Peerstore peerstore = new Peerstore();
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final Map<PeerId, List<Connection>> connections = new ConcurrentHashMap<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Map<PeerId, CompletableFuture<Connection>> pendingDials = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Behaviour> behaviours = new CopyOnWriteArrayList<>();
    private final BlockingQueue<SwarmEvent> events;
    private final Thread eventThread;
    private final ScheduledExecutorService timer;
    private final ExecutorService tasks = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("swarm-task-", 0).factory());
    private final Semaphore pendingHandshakes;
    private final org.jlibp2p.core.time.SystemScheduler scheduler = new org.jlibp2p.core.time.SystemScheduler("swarm-scheduler");
    private final org.jlibp2p.core.util.TaskGroup threads = new org.jlibp2p.core.util.TaskGroup("swarm");
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private final AtomicLong droppedEvents = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean acceptingEvents = true;
    /** How long {@link #close()} waits for connections to close and behaviours to take the last events. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    public Swarm(SwarmConfig config) {
        this.config = config;
        this.localPeer = PeerId.fromPublicKey(config.identity().publicKey());
        this.upgrader = new Upgrader(config.security(), config.muxers(), scheduler, threads);
        this.events = new ArrayBlockingQueue<>(config.eventQueueCapacity());
        this.pendingHandshakes = new Semaphore(config.limits().maxPendingHandshakes());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "swarm-timer");
            t.setDaemon(true);
            return t;
        });
        this.eventThread = Thread.ofVirtual().name("swarm-events").start(this::deliverEvents);
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

    // ---------------------------------------------------------------- behaviours and handlers

    /** Adds a behaviour: it is started now and receives every event from now on. */
    public void addBehaviour(Behaviour behaviour) {
        ensureOpen();
        behaviours.add(behaviour);
        behaviour.start(this);
    }

    /** The first added behaviour of {@code type}, e.g. the ping behaviour a ready-made stack added. */
    public <T extends Behaviour> Optional<T> behaviour(Class<T> type) {
        return behaviours.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Routes inbound streams negotiating {@code protocol} to {@code handler}, replacing any previous one. */
    public void setStreamHandler(String protocol, StreamHandler handler) {
        if (protocol.isEmpty() || protocol.length() > 1024) {
            throw new IllegalArgumentException("bad protocol id: " + protocol);
        }
        handlers.put(protocol, handler);
        publish(new SwarmEvent.LocalInfoChanged());
    }

    public void removeStreamHandler(String protocol) {
        if (handlers.remove(protocol) != null) {
            publish(new SwarmEvent.LocalInfoChanged());
        }
    }

    /** The protocols this node serves, sorted. */
    public Set<String> protocols() {
        return new TreeSet<>(handlers.keySet());
    }

    // ---------------------------------------------------------------- listening

    /** Starts listening on {@code address}; returns the address actually bound (port 0 picks a free port). */
    public Multiaddr listen(Multiaddr address) throws IOException {
        ensureOpen();
        Transport transport = config.transports().stream().filter(t -> t.canListen(address)).findFirst()
                .orElseThrow(() -> new IOException("no transport can listen on " + address));
        Listener listener = transport.listen(address);
        listeners.add(listener);
        Thread.ofVirtual().name("swarm-listen-" + listener.address()).start(() -> acceptLoop(listener));
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
            if (!pendingHandshakes.tryAcquire()) {
                closeQuietly(raw);
                publish(new SwarmEvent.IncomingConnectionFailed(raw.remoteAddress(),
                        "too many pending handshakes (" + config.limits().maxPendingHandshakes() + ")"));
                continue;
            }
            try {
                tasks.submit(() -> upgradeInbound(raw));
            } catch (RejectedExecutionException e) {
                pendingHandshakes.release();
                closeQuietly(raw);
                break;
            }
        }
        if (listeners.remove(listener)) {
            closeQuietly(listener);
            publish(new SwarmEvent.ListenAddressExpired(listener.address()));
        }
    }

    private void upgradeInbound(RawConnection raw) {
        try {
            Upgrader.Upgraded up = withDeadline(raw, () -> upgrader.inbound(raw));
            try {
                register(up, raw, Direction.INBOUND);
            } catch (IOException e) {
                closeQuietly(up.session());
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            LOG.log(System.Logger.Level.DEBUG, () -> "inbound connection from " + raw.remoteAddress() + " failed: " + e);
            publish(new SwarmEvent.IncomingConnectionFailed(raw.remoteAddress(), String.valueOf(e.getMessage())));
        } finally {
            pendingHandshakes.release();
        }
    }

    // ---------------------------------------------------------------- dialling

    /** Returns an open connection to {@code peer}, dialling its known addresses when there is none. */
    public Connection dial(PeerId peer) throws IOException {
        return dial(peer, List.of());
    }

    /** Adds {@code addresses} to what is known of {@code peer}, then returns an open connection to it. */
    public Connection dial(PeerId peer, Collection<Multiaddr> addresses) throws IOException {
        ensureOpen();
        if (peer.equals(localPeer)) {
            throw new DialException("refusing to dial self");
        }
        if (!addresses.isEmpty()) {
            peerstore.addAddresses(peer, addresses);
        }
        Optional<Connection> existing = connection(peer);
        if (existing.isPresent()) {
            return existing.get();
        }
        CompletableFuture<Connection> mine = new CompletableFuture<>();
        CompletableFuture<Connection> other = pendingDials.putIfAbsent(peer, mine);
        if (other != null) {
            return await(other);
        }
        try {
            // A dial that finished between the first look and putIfAbsent left its connection behind.
            Optional<Connection> raced = connection(peer);
            if (raced.isPresent()) {
                mine.complete(raced.get());
                return raced.get();
            }
            Connection c = dialAddresses(Optional.of(peer), peerstore.addresses(peer));
            mine.complete(c);
            return c;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            publish(new SwarmEvent.DialFailed(Optional.of(peer), String.valueOf(e.getMessage())));
            throw e;
        } finally {
            pendingDials.remove(peer, mine);
        }
    }

    /**
     * Dials one address. With a {@code /p2p/<id>} suffix the remote must prove that identity and an existing
     * connection to it is reused; without one any identity is accepted.
     */
    public Connection dial(Multiaddr address) throws IOException {
        Optional<PeerId> peer = peerIdOf(address);
        if (peer.isPresent()) {
            return dial(peer.get(), List.of(address));
        }
        ensureOpen();
        try {
            return dialAddresses(Optional.empty(), List.of(address));
        } catch (IOException e) {
            publish(new SwarmEvent.DialFailed(Optional.empty(), String.valueOf(e.getMessage())));
            throw e;
        }
    }

    /** Opens a stream to {@code peer} (dialling if needed) negotiating the first protocol it supports. */
    public Stream newStream(PeerId peer, List<String> protocols) throws IOException {
        return dial(peer).newStream(protocols);
    }

    private static Optional<PeerId> peerIdOf(Multiaddr address) throws IOException {
        var mh = address.peerIdMultihash();
        if (mh.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PeerId.fromBytes(mh.get().bytes()));
    }

    private Connection dialAddresses(Optional<PeerId> peer, List<Multiaddr> addresses) throws IOException {
        List<Multiaddr> candidates = addresses.stream().map(Multiaddr::withoutPeerId)
                .filter(a -> config.transports().stream().anyMatch(t -> t.canDial(a))).distinct().toList();
        String who = peer.map(PeerId::toString).orElse("an unknown peer");
        if (candidates.isEmpty()) {
            throw new DialException("no dialable address for " + who + " among " + addresses);
        }
        if (connectionCount.get() >= config.limits().maxConnections()) {
            throw new DialException("cannot dial " + who, new LimitExceededException(
                    "connection limit reached (" + config.limits().maxConnections() + ")"));
        }
        // Every address is tried at once; the first to finish its upgrade wins. invokeAny cancels (interrupts)
        // the others, and an attempt that still completes its upgrade after the winner closes what it built.
        AtomicBoolean won = new AtomicBoolean();
        List<DialException> failures = new CopyOnWriteArrayList<>();
        List<Callable<Connection>> attempts = new ArrayList<>();
        for (Multiaddr a : candidates) {
            attempts.add(() -> {
                try {
                    return dialOne(peer, a, won);
                } catch (DialException e) {
                    failures.add(e);
                    throw e;
                }
            });
        }
        ExecutorService exec = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("swarm-dial-", 0).factory());
        try {
            Duration budget = config.dialTimeout().plus(config.limits().handshakeTimeout());
            return exec.invokeAny(attempts, budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            StringBuilder sb = new StringBuilder("dial to " + who + " failed:");
            for (IOException f : failures) {
                sb.append(' ').append(f.getMessage()).append(';');
            }
            if (failures.isEmpty()) {
                throw new DialException(sb.toString(), e.getCause());
            }
            DialException first = failures.getFirst();
            DialException d = new DialException(sb.toString(), first.getCause() != null ? first.getCause() : first);
            failures.stream().skip(1).forEach(d::addSuppressed);
            throw d;
        } catch (TimeoutException e) {
            throw new DialException("dial to " + who + " timed out", new SocketTimeoutException(
                    "no address of " + who + " connected within " + config.dialTimeout().plus(
                            config.limits().handshakeTimeout())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while dialling " + who);
        } finally {
            exec.shutdown();
        }
    }

    private Connection dialOne(Optional<PeerId> peer, Multiaddr address, AtomicBoolean won) throws IOException {
        Transport transport = config.transports().stream().filter(t -> t.canDial(address)).findFirst()
                .orElseThrow(() -> new DialException("no transport for " + address));
        RawConnection raw;
        try {
            raw = transport.dial(address, config.dialTimeout());
        } catch (IOException e) {
            throw new DialException(address + ": " + e.getMessage(), e);
        }
        Upgrader.Upgraded up;
        try {
            up = withDeadline(raw, () -> upgrader.outbound(raw, peer));
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            if (e instanceof PeerIdMismatchException && peer.isPresent()) {
                // The address belongs to someone else: forget it for this peer.
                peerstore.removeAddress(peer.get(), address);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "dial of " + address + " failed: " + e);
            throw new DialException(address + ": " + e.getMessage(), e);
        }
        if (!won.compareAndSet(false, true)) {
            closeQuietly(up.session());
            throw new DialException(address + ": another address connected first");
        }
        try {
            return register(up, raw, Direction.OUTBOUND);
        } catch (IOException | RuntimeException e) {
            closeQuietly(up.session());
            throw new DialException(address + ": " + e.getMessage(), e);
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws IOException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new DialException(io.getMessage(), io);
            }
            throw new DialException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a dial");
        }
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    /** Runs an upgrade step, closing the raw connection (which fails the step) if it outlasts the handshake timeout. */
    private <T> T withDeadline(RawConnection raw, IoCall<T> work) throws IOException {
        Duration timeout = config.limits().handshakeTimeout();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = timer.schedule(() -> {
            expired.set(true);
            closeQuietly(raw);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return work.call();
        } catch (IOException e) {
            if (expired.get()) {
                SocketTimeoutException t = new SocketTimeoutException("handshake timed out after " + timeout);
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    // ---------------------------------------------------------------- connections

    private Connection register(Upgrader.Upgraded up, RawConnection raw, Direction direction) throws IOException {
        PeerId remote = up.secured().remotePeer();
        Connection c;
        synchronized (this) {
            ensureOpen();
            if (connectionCount.get() >= config.limits().maxConnections()) {
                throw new LimitExceededException("connection limit reached (" + config.limits().maxConnections() + ")");
            }
            List<Connection> list = connections.computeIfAbsent(remote, k -> new CopyOnWriteArrayList<>());
            if (list.size() >= config.limits().maxConnectionsPerPeer()) {
                throw new LimitExceededException("per-peer connection limit reached ("
                        + config.limits().maxConnectionsPerPeer() + ") for " + remote);
            }
            c = new Connection(nextConnectionId.getAndIncrement(), direction, localPeer, remote,
                    up.secured().remotePublicKey(), raw.localAddress(), raw.remoteAddress(), up.security(),
                    up.muxer(), up.session(), config.clock().instant(), this);
            list.add(c);
            connectionCount.incrementAndGet();
        }
        peerstore.putPublicKey(remote, up.secured().remotePublicKey());
        if (direction == Direction.OUTBOUND) {
            peerstore.addAddresses(remote, List.of(raw.remoteAddress()));
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "connection established: " + c);
        publish(new SwarmEvent.ConnectionEstablished(c));
        Thread.ofVirtual().name("conn-" + c.id() + "-streams").start(() -> acceptStreams(c));
        return c;
    }

    void connectionClosed(Connection c, String reason) {
        boolean removed;
        synchronized (this) {
            List<Connection> list = connections.get(c.remotePeer());
            removed = list != null && list.remove(c);
            if (removed) {
                connectionCount.decrementAndGet();
                if (list.isEmpty()) {
                    connections.remove(c.remotePeer(), list);
                }
            }
        }
        if (removed) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection closed: " + c + ": " + reason);
            publish(new SwarmEvent.ConnectionClosed(c, reason));
        }
    }

    /** Hands each inbound stream of {@code c} to its own thread until the session ends, then retires {@code c}. */
    private void acceptStreams(Connection c) {
        String reason = "closed";
        try {
            while (true) {
                MuxedStream s = c.session().acceptStream();
                if (c.inboundStreams.incrementAndGet() > config.limits().maxInboundStreamsPerConnection()) {
                    c.inboundStreams.decrementAndGet();
                    s.reset();
                    LOG.log(System.Logger.Level.DEBUG, () -> "inbound stream limit ("
                            + config.limits().maxInboundStreamsPerConnection() + ") reached on " + c + "; reset");
                    continue;
                }
                try {
                    tasks.submit(() -> serveStream(c, s));
                } catch (RejectedExecutionException e) {
                    c.inboundStreams.decrementAndGet();
                    s.reset();
                    reason = "swarm closed";
                    break;
                }
            }
        } catch (IOException e) {
            reason = String.valueOf(e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream accept loop of " + c + " failed", e);
            reason = "internal error: " + e;
        }
        c.closeFor(reason);
    }

    private void serveStream(Connection c, MuxedStream s) {
        try {
            // The whole negotiation must finish in time: a peer trickling proposals is cut off too.
            String protocol = withStreamDeadline(s, () -> Multistream.accept(s, handlers.keySet()));
            StreamHandler handler = handlers.get(protocol);
            if (handler == null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "handler of " + protocol + " removed during negotiation");
                s.reset();
                return;
            }
            Stream stream = new Stream(s, c, protocol, Direction.INBOUND);
            publish(new SwarmEvent.InboundStream(c.remotePeer(), protocol));
            handler.handle(stream);
            stream.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "inbound stream on " + c + " failed: " + e);
            s.reset();
        } finally {
            c.inboundStreams.decrementAndGet();
        }
    }

    /** Runs a stream negotiation, resetting the stream (which fails the negotiation) past the negotiation timeout. */
    <T> T withStreamDeadline(MuxedStream s, IoCall<T> work) throws IOException {
        Duration timeout = config.limits().negotiationTimeout();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard;
        try {
            guard = timer.schedule(() -> {
                expired.set(true);
                s.reset();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new SessionClosedException("swarm closed");
        }
        try {
            return work.call();
        } catch (IOException e) {
            if (expired.get()) {
                SocketTimeoutException t = new SocketTimeoutException(
                        "protocol negotiation timed out after " + timeout);
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    /** An open connection to {@code peer}, if any. */
    public Optional<Connection> connection(PeerId peer) {
        List<Connection> list = connections.get(peer);
        if (list == null) {
            return Optional.empty();
        }
        return list.stream().filter(Connection::isOpen).findFirst();
    }

    /** Every established connection. */
    public List<Connection> connections() {
        List<Connection> out = new ArrayList<>();
        connections.values().forEach(out::addAll);
        return out;
    }

    /** The peers with at least one open connection. */
    public List<PeerId> connectedPeers() {
        return connections.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    public boolean isConnected(PeerId peer) {
        return connection(peer).isPresent();
    }

    /** Closes every connection to {@code peer}. */
    public void disconnect(PeerId peer) {
        List<Connection> list = connections.get(peer);
        if (list != null) {
            list.forEach(Connection::close);
        }
    }

    // ---------------------------------------------------------------- events

    /** Queues {@code event} for the behaviours; dropped (and counted) when the queue is full or the swarm is done. */
    void publish(SwarmEvent event) {
        if (!acceptingEvents) {
            return;
        }
        if (!events.offer(event)) {
            long n = droppedEvents.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.log(System.Logger.Level.WARNING, "swarm event queue full; " + n + " events dropped so far");
            }
        }
    }

    /** Events dropped because behaviours did not keep up. */
    public long droppedEvents() {
        return droppedEvents.get();
    }

    private void deliverEvents() {
        while (true) {
            SwarmEvent e;
            try {
                e = events.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                return;
            }
            if (e == null) {
                if (!acceptingEvents) {
                    return; // closed and drained
                }
                continue;
            }
            for (Behaviour b : behaviours) {
                try {
                    b.onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "behaviour " + b + " failed on " + e, ex);
                }
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    private void ensureOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("swarm is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the swarm, idempotently: stops listening (no new inbound connection), refuses new dials, closes every
     * connection (in parallel, each bounded by its muxer's close timeout), delivers the events this produced
     * ({@code ListenAddressExpired}, {@code ConnectionClosed}) to the behaviours, then stops the behaviours and
     * the swarm's threads. No event is delivered after {@link Behaviour#stop()}.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Listener l : listeners) {
            if (listeners.remove(l)) {
                closeQuietly(l);
                publish(new SwarmEvent.ListenAddressExpired(l.address()));
            }
        }
        List<Thread> closers = new ArrayList<>();
        for (Connection c : connections()) {
            closers.add(Thread.ofVirtual().name("swarm-close-" + c.id()).start(c::close));
        }
        tasks.shutdownNow(); // upgrades in progress and stream handlers
        timer.shutdownNow();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            for (Thread t : closers) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    LOG.log(System.Logger.Level.DEBUG, "a connection did not close within " + CLOSE_WAIT);
                    break;
                }
            }
            acceptingEvents = false;
            long left = Math.max(1, deadline - System.nanoTime());
            if (!eventThread.join(Duration.ofNanos(left))) {
                LOG.log(System.Logger.Level.DEBUG, "behaviours did not take the last events within " + CLOSE_WAIT);
                eventThread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acceptingEvents = false;
            eventThread.interrupt();
        }
        for (Behaviour b : behaviours) {
            try {
                b.stop();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "behaviour " + b + " failed to stop", e);
            }
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing is best effort
        }
    }
}
