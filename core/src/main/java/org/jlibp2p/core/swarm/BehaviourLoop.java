package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.util.IoRunnable;

/**
 * The thread that owns one behaviour's state, and the behaviour's view of the swarm. Tasks reach it through an
 * inbox: those from threads other than behaviours' (the swarm's events, handlers' reports, the application's calls)
 * take a permit first and wait while all {@code capacity} permits are taken; those a behaviour's thread or a timer
 * queues take none (they are bounded by what one step of a behaviour does), so that no behaviour's thread ever
 * waits on an inbox, its own or another's.
 */
final class BehaviourLoop implements BehaviourContext {
    private static final System.Logger LOG = System.getLogger(BehaviourLoop.class.getName());
    private static final ScopedValue<BehaviourLoop> CURRENT = ScopedValue.newInstance();

    private record Item(Runnable task, boolean permitted) {}

    private static final Item STOP = new Item(() -> { }, false);

    private final Behaviour behaviour;
    private final Swarm swarm;
    private final String name;
    private final LinkedBlockingQueue<Item> inbox = new LinkedBlockingQueue<>();
    private final Semaphore permits;
    private final Set<Cancellable> timers = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile boolean stopped;
    private Thread thread;

    BehaviourLoop(Behaviour behaviour, Swarm swarm, int capacity) {
        this.behaviour = behaviour;
        this.swarm = swarm;
        this.name = behaviour.getClass().getSimpleName().isEmpty() ? "behaviour"
                : behaviour.getClass().getSimpleName();
        this.permits = new Semaphore(capacity);
    }

    Behaviour behaviour() {
        return behaviour;
    }

    /** Whether the calling thread is a behaviour's. */
    static boolean onBehaviourThread() {
        return CURRENT.isBound();
    }

    /** Throws when a blocking call is made on a behaviour's thread. */
    static void refuseBlockingCall(String what) {
        if (CURRENT.isBound()) {
            throw new IllegalStateException(what + " blocks: call it from a spawned thread or a handler, not on the"
                    + " thread of " + CURRENT.get().name);
        }
    }

    void startThread(Thread t) {
        this.thread = t;
        t.start();
    }

    Thread thread() {
        return thread;
    }

    /** Waits until {@link Behaviour#start} has run (or the swarm closed). */
    void awaitStarted() {
        if (CURRENT.isBound()) {
            return;
        }
        try {
            while (!stopped) {
                try {
                    started.get(100, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    // check whether the loop ended, then wait on
                }
            }
        } catch (ExecutionException e) {
            // start failed: logged by the loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the loop

    void run() {
        ScopedValue.where(CURRENT, this).run(this::loop);
    }

    private void loop() {
        try {
            while (true) {
                Item item;
                try {
                    item = inbox.take();
                } catch (InterruptedException e) {
                    break;
                }
                if (item == STOP) {
                    break;
                }
                try {
                    item.task().run();
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.WARNING, name + " failed", e);
                } finally {
                    if (item.permitted()) {
                        permits.release();
                    }
                }
            }
        } finally {
            stopped = true;
            timers.forEach(Cancellable::cancel);
            timers.clear();
            inbox.clear();
            started.complete(null);
            try {
                behaviour.stop();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, name + " failed to stop", e);
            }
        }
    }

    /** Queues without a permit: from the loop itself, its timers, and the swarm's shutdown. */
    private void postFree(Runnable task) {
        if (!stopped) {
            inbox.add(new Item(task, false));
        }
    }

    /**
     * Queues from another thread, waiting for a permit while the inbox is full; returns false if the loop stopped or
     * the caller was interrupted (then nothing is queued).
     */
    boolean post(Runnable task) {
        if (CURRENT.isBound()) {
            // From a behaviour's thread (this one's or another's) nothing waits: two behaviours posting to each
            // other while both inboxes are full would wait forever. What one step of a behaviour posts is bounded.
            postFree(task);
            return true;
        }
        try {
            while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (stopped) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (stopped) {
            permits.release();
            return false;
        }
        inbox.add(new Item(task, true));
        return true;
    }

    void postStart() {
        postFree(() -> {
            try {
                behaviour.start(this);
            } finally {
                started.complete(null);
            }
        });
    }

    void postStop() {
        inbox.add(STOP);
    }

    /** Delivers a swarm event (blocking while the inbox is full). */
    void deliver(SwarmEvent event) {
        post(() -> behaviour.onEvent(event));
    }

    /** Makes this behaviour's handler for {@code c}, then delivers its ConnectionEstablished. */
    void deliverEstablished(SwarmConnection c, SwarmEvent.ConnectionEstablished event) {
        boolean queued = post(() -> {
            try {
                Handler context = new Handler(c);
                ConnectionHandler h;
                try {
                    h = behaviour.newHandler(context);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, name + " failed to make a handler for " + c, e);
                    h = ConnectionHandler.REFUSE;
                }
                c.handlerMade(this, h == null ? ConnectionHandler.REFUSE : h, context);
                behaviour.onEvent(event);
            } finally {
                c.handlerDone();
            }
        });
        if (!queued) {
            c.handlerDone();
        }
    }

    /** Delivers ConnectionClosed, then forgets the behaviour's handler of that connection. */
    void deliverClosed(SwarmConnection c, SwarmEvent.ConnectionClosed event) {
        post(() -> {
            try {
                behaviour.onEvent(event);
            } finally {
                c.dropHandler(this);
            }
        });
    }

    // ---------------------------------------------------------------- BehaviourContext

    @Override
    public PeerId localPeer() {
        return swarm.localPeer();
    }

    @Override
    public PrivateKey identity() {
        return swarm.identity();
    }

    @Override
    public Peerstore peerstore() {
        return swarm.peerstore();
    }

    @Override
    public Scheduler scheduler() {
        return swarm.scheduler();
    }

    @Override
    public List<Multiaddr> listenAddresses() {
        return swarm.listenAddresses();
    }

    @Override
    public List<Multiaddr> externalAddresses() {
        return swarm.externalAddresses();
    }

    @Override
    public Set<String> protocols() {
        return swarm.protocols();
    }

    @Override
    public List<Connection> connections() {
        return swarm.connections();
    }

    @Override
    public void serve(String protocol) {
        swarm.serve(this, protocol);
    }

    @Override
    public void stopServing(String protocol) {
        swarm.stopServing(this, protocol);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        if (stopped) {
            return Cancellable.NONE;
        }
        Cancellable[] self = new Cancellable[1];
        Cancellable c = swarm.scheduler().schedule(delay, () -> {
            timers.remove(self[0]);
            postFree(task);
        });
        self[0] = c;
        return track(c);
    }

    @Override
    public Cancellable every(Duration period, Runnable task) {
        if (stopped) {
            return Cancellable.NONE;
        }
        return track(swarm.scheduler().every(period, () -> postFree(task)));
    }

    private Cancellable track(Cancellable c) {
        timers.add(c);
        if (stopped) {
            c.cancel();
        }
        return () -> {
            timers.remove(c);
            return c.cancel();
        };
    }

    @Override
    public void execute(Runnable task) {
        post(task);
    }

    @Override
    public <T> T call(Supplier<T> query) throws InterruptedException {
        if (CURRENT.isBound() && CURRENT.get() == this) {
            return query.get();
        }
        refuseBlockingCall("call");
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!post(() -> {
            try {
                result.complete(query.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        })) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            throw new IllegalStateException("the swarm is closed");
        }
        while (true) {
            try {
                return result.get(100, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (TimeoutException e) {
                if (stopped && !result.isDone()) {
                    throw new IllegalStateException("the swarm closed before the query ran");
                }
            }
        }
    }

    @Override
    public void spawn(String threadName, IoRunnable task) {
        try {
            swarm.tasks().start(threadName, () -> runLogged(threadName, task));
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "swarm closing; " + threadName + " not started");
        }
    }

    static void runLogged(String what, IoRunnable task) {
        try {
            task.run();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> what + " failed: " + e);
        }
    }

    @Override
    public void dial(PeerId peer, Collection<Multiaddr> addresses) {
        List<Multiaddr> copy = List.copyOf(addresses);
        spawn("dial-" + peer.toString().substring(Math.max(0, peer.toString().length() - 6)),
                () -> swarm.dial(peer, copy));
    }

    @Override
    public Stream openStream(PeerId peer, List<String> protocols) throws IOException {
        refuseBlockingCall("openStream");
        return swarm.newStream(peer, protocols);
    }

    @Override
    public void allowOnLimitedConnections(String protocol) {
        swarm.allowOnLimitedConnections(protocol);
    }

    @Override
    public Connection upgrade(RawConnection raw, Direction role, PeerId expected) throws IOException {
        refuseBlockingCall("upgrade");
        return swarm.upgrade(raw, role, expected);
    }

    @Override
    public void disconnect(PeerId peer) {
        swarm.disconnect(peer);
    }

    @Override
    public void emit(BehaviourEvent event) {
        swarm.publish(new SwarmEvent.Emitted(event));
    }

    @Override
    public void addExternalAddressCandidate(Multiaddr address) {
        swarm.publish(new SwarmEvent.ExternalAddressCandidate(address));
    }

    @Override
    public void confirmExternalAddress(Multiaddr address) {
        swarm.confirmExternalAddress(address);
    }

    @Override
    public void removeExternalAddress(Multiaddr address) {
        swarm.removeExternalAddress(address);
    }

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------- HandlerContext

    /** A handler's view of its connection and of its behaviour. */
    final class Handler implements HandlerContext {
        private final SwarmConnection connection;
        volatile boolean keepAlive;

        Handler(SwarmConnection connection) {
            this.connection = connection;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public Scheduler scheduler() {
            return swarm.scheduler();
        }

        @Override
        public Stream openStream(List<String> protocols) throws IOException {
            return connection.newStream(protocols);
        }

        @Override
        public void spawn(String threadName, IoRunnable task) {
            connection.spawnScoped(threadName, () -> runLogged(threadName, task));
        }

        @Override
        public Cancellable schedule(Duration delay, IoRunnable task) {
            String threadName = name + "-conn-" + connection.id() + "-timer";
            return connection.scheduleScoped(delay, threadName, () -> runLogged(threadName, task));
        }

        @Override
        public void toBehaviour(Runnable task) {
            post(task);
        }

        @Override
        public void keepAlive(boolean keep) {
            keepAlive = keep;
        }
    }
}
