package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ConnectionScope;
import org.jlibp2p.core.resource.StreamScope;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.util.Closeables;

/** The swarm's connection: the session, the handlers of the behaviours on it, and what is scoped to it. */
final class SwarmConnection implements Connection {
    private static final System.Logger LOG = System.getLogger(SwarmConnection.class.getName());

    private final long id;
    private final Direction direction;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remotePublicKey;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final String security;
    private final String muxer;
    private final MuxedSession session;
    private final Instant opened;
    private final Swarm swarm;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConnectionScope scope;
    private final boolean limited;
    /** Shown by the swarm's queries once its ConnectionEstablished is on its way to the behaviours. */
    volatile boolean visible;

    /** The handler each behaviour made for this connection: a few, replaced whole on the rare change. */
    private volatile HandlerScope[] handlers = new HandlerScope[0];
    /** Completes once every behaviour present at establishment made its handler (or the connection closed). */
    private final CompletableFuture<Void> handlersReady = new CompletableFuture<>();
    private final AtomicInteger handlersPending = new AtomicInteger();
    /** Threads and timers of the handlers, made on first use (most connections never need them). */
    private Set<Thread> scopedThreads; // guarded by this
    private Set<Cancellable> scopedTimers; // guarded by this
    private volatile Cancellable idleCheck = Cancellable.NONE;
    private long idleSinceNanos = -1;

    SwarmConnection(long id, Direction direction, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey,
            Multiaddr localAddress, Multiaddr remoteAddress, String security, String muxer, MuxedSession session,
            Instant opened, ConnectionScope scope, Swarm swarm, boolean limited) {
        this.limited = limited;
        this.id = id;
        this.direction = direction;
        this.localPeer = localPeer;
        this.remotePeer = remotePeer;
        this.remotePublicKey = remotePublicKey;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.security = security;
        this.muxer = muxer;
        this.session = session;
        this.opened = opened;
        this.scope = scope;
        this.swarm = swarm;
    }

    record HandlerScope(BehaviourLoop loop, ConnectionHandler handler, BehaviourLoop.Handler context) {}

    @Override
    public long id() {
        return id;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remotePublicKey;
    }

    @Override
    public Multiaddr localAddress() {
        return localAddress;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean limited() {
        return limited;
    }

    @Override
    public String security() {
        return security;
    }

    @Override
    public String muxer() {
        return muxer;
    }

    @Override
    public Instant opened() {
        return opened;
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && session.isOpen();
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public int streamCount() {
        return session.streamCount();
    }

    MuxedSession session() {
        return session;
    }

    /** What this connection holds in the node's resource manager. */
    ConnectionScope scope() {
        return scope;
    }

    @Override
    public Stream newStream(List<String> requested) throws IOException {
        List<String> protocols = requested;
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no protocol to negotiate");
        }
        BehaviourLoop.refuseBlockingCall("Connection.newStream");
        if (limited) {
            protocols = requested.stream().filter(swarm::allowedOnLimitedConnections).toList();
            if (protocols.isEmpty()) {
                throw new LimitedConnectionException("none of " + requested + " may run on the limited connection "
                        + this);
            }
        }
        StreamScope streamScope = scope.openStream(Direction.OUTBOUND);
        MuxedStream muxed;
        try {
            muxed = session.openStream();
        } catch (IOException | RuntimeException e) {
            streamScope.close();
            throw e;
        }
        try {
            List<String> offered = protocols;
            String chosen = swarm.withStreamDeadline(muxed, () -> Multistream.select(muxed, offered));
            streamScope.setProtocol(chosen, null);
            return new Stream(muxed, this, chosen, Direction.OUTBOUND, streamScope);
        } catch (IOException | RuntimeException e) {
            streamScope.close();
            muxed.reset();
            throw e;
        }
    }

    // ---------------------------------------------------------------- handlers

    /** The dispatcher announces how many behaviours will make a handler. */
    void expectHandlers(int n) {
        if (handlersPending.addAndGet(n) == 0) {
            handlersReady.complete(null);
        }
    }

    synchronized void handlerMade(BehaviourLoop loop, ConnectionHandler handler, BehaviourLoop.Handler context) {
        HandlerScope[] old = handlers;
        HandlerScope[] next = Arrays.copyOf(old, old.length + 1);
        next[old.length] = new HandlerScope(loop, handler, context);
        handlers = next;
    }

    void handlerDone() {
        if (handlersPending.decrementAndGet() == 0) {
            handlersReady.complete(null);
        }
    }

    synchronized void dropHandler(BehaviourLoop loop) {
        handlers = Arrays.stream(handlers).filter(h -> h.loop() != loop).toArray(HandlerScope[]::new);
    }

    ConnectionHandler handler(BehaviourLoop loop) {
        for (HandlerScope h : handlers) {
            if (h.loop() == loop) {
                return h.handler();
            }
        }
        return null;
    }

    /** Waits until the handlers of the behaviours present at establishment exist; false if the connection closed. */
    boolean awaitHandlers() throws InterruptedException {
        try {
            handlersReady.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
        return !closed.get();
    }

    // ---------------------------------------------------------------- what is scoped to the connection

    /** Starts a thread that the connection's close interrupts. */
    void spawnScoped(String name, Runnable task) {
        if (closed.get()) {
            return;
        }
        Thread t;
        try {
            t = swarm.tasks().start(name, () -> {
                try {
                    if (!closed.get()) {
                        task.run();
                    }
                } finally {
                    scopedThreadEnded(Thread.currentThread());
                }
            });
        } catch (RejectedExecutionException e) {
            return;
        }
        synchronized (this) {
            if (scopedThreads == null) {
                scopedThreads = new HashSet<>();
            }
            if (t.isAlive()) {
                scopedThreads.add(t);
            }
        }
        if (closed.get()) {
            t.interrupt();
        }
    }

    private synchronized void scopedThreadEnded(Thread t) {
        if (scopedThreads != null) {
            scopedThreads.remove(t);
        }
    }

    Cancellable scheduleScoped(Duration delay, String name, Runnable task) {
        if (closed.get()) {
            return Cancellable.NONE;
        }
        Cancellable[] self = new Cancellable[1];
        Cancellable c = swarm.scheduler().schedule(delay, () -> {
            timerDone(self[0]);
            spawnScoped(name, task);
        });
        synchronized (this) {
            self[0] = c;
            if (scopedTimers == null) {
                scopedTimers = new HashSet<>();
            }
            scopedTimers.add(c);
        }
        if (closed.get()) {
            c.cancel();
        }
        return () -> {
            timerDone(c);
            return c.cancel();
        };
    }

    private synchronized void timerDone(Cancellable c) {
        if (scopedTimers != null) {
            scopedTimers.remove(c);
        }
    }

    boolean keptAlive() {
        for (HandlerScope s : handlers) {
            if (s.context().keepAlive) {
                return true;
            }
        }
        return false;
    }

    /** Closes the connection once it has been idle (no stream, no keep-alive vote) for {@code timeout}. */
    void watchIdle(Duration timeout) {
        Duration period = timeout.dividedBy(4).isZero() ? timeout : timeout.dividedBy(4);
        idleCheck = swarm.scheduler().every(period, () -> {
            long now = swarm.scheduler().nanoTime();
            // Not idle before every handler had its say.
            boolean idle = handlersReady.isDone() && session.streamCount() == 0 && !keptAlive();
            synchronized (this) {
                if (!idle) {
                    idleSinceNanos = -1;
                    return;
                }
                if (idleSinceNanos < 0) {
                    idleSinceNanos = now;
                    return;
                }
                if (now - idleSinceNanos < timeout.toNanos()) {
                    return;
                }
            }
            spawnScoped("conn-" + id + "-idle-close", () -> closeFor(new CloseCause.Idle(timeout)));
        });
    }

    // ---------------------------------------------------------------- closing

    @Override
    public void close() {
        close(new CloseCause.Local());
    }

    @Override
    public void close(CloseCause cause) {
        Connection.requireLocalCause(cause);
        if (closed.get()) {
            return;
        }
        if (BehaviourLoop.onBehaviourThread()) {
            // closing writes a go-away and waits for the connection: never on a behaviour's thread
            try {
                swarm.tasks().start("conn-" + id + "-close", () -> closeFor(cause));
                return;
            } catch (RejectedExecutionException e) {
                // the swarm is closing and will close this connection itself
                return;
            }
        }
        closeFor(cause);
    }

    /** Closes once, whatever the cause; the first cause is the one reported. */
    void closeFor(CloseCause cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        handlersReady.complete(null);
        idleCheck.cancel();
        List<Cancellable> timers;
        List<Thread> threads;
        synchronized (this) {
            timers = scopedTimers == null ? List.of() : List.copyOf(scopedTimers);
            threads = scopedThreads == null ? List.of() : List.copyOf(scopedThreads);
        }
        timers.forEach(Cancellable::cancel);
        threads.forEach(Thread::interrupt);
        Closeables.closeQuietly(session);
        scope.close();
        LOG.log(System.Logger.Level.DEBUG, () -> "connection closed: " + this + ": " + cause.describe());
        swarm.connectionClosed(this, cause);
    }

    @Override
    public String toString() {
        return "Connection#" + id + "[" + direction + " " + remotePeer + " at " + remoteAddress + " " + security
                + " " + muxer + (limited ? " limited" : "") + "]";
    }
}
