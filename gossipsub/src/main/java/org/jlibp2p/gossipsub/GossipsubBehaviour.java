package org.jlibp2p.gossipsub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.Cancellable;

/**
 * Gossipsub (or floodsub, {@link GossipsubConfig#floodsub()}) as a behaviour. The {@link PubsubRouter} lives on the
 * behaviour's thread; each connection's {@link PubsubHandler} keeps one outbound RPC stream with a bounded queue
 * and reads the peer's. A peer speaks pubsub once a stream of one of the router's protocols is negotiated with it, in
 * either direction.
 *
 * <p>The application's methods may be called from any thread but another behaviour's: they run on the behaviour's
 * thread and return its answer.
 *
 * <pre>{@code
 * GossipsubBehaviour pubsub = new GossipsubBehaviour(GossipsubConfig.defaults());
 * swarm.addBehaviour(pubsub);
 * try (Subscription sub = pubsub.subscribe("chat")) {
 *     pubsub.publish("chat", "hello".getBytes(UTF_8));
 *     sub.next(Duration.ofSeconds(5)).ifPresent(m -> System.out.println(new String(m.message().data(), UTF_8)));
 * }
 * }</pre>
 */
public final class GossipsubBehaviour implements Behaviour {
    private final GossipsubConfig config;
    private BehaviourContext context;
    private PubsubRouter router;
    private Cancellable heartbeat = Cancellable.NONE;
    // Confined to the behaviour's thread.
    private final Map<PeerId, List<PubsubHandler>> handlers = new HashMap<>();
    private final Map<Long, PubsubHandler> byConnection = new HashMap<>();
    private final Map<String, List<Subscription>> subscriptions = new LinkedHashMap<>();
    private final List<Consumer<GossipsubEvent>> listeners = new CopyOnWriteArrayList<>();
    private long droppedRpcs;
    private final RpcEncoder encoder = new RpcEncoder();
    private final AtomicLong rpcsSent = new AtomicLong();
    private final AtomicLong rpcsReceived = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    /** Bytes of RPCs read from peers and not yet handled, over all connections. */
    private final java.util.concurrent.Semaphore inboundBudget;

    // Signature checks of inbound messages run on up to one thread per CPU, off the behaviour's thread: a reader
    // takes a permit for each message of an RPC before handing the RPC on (past the bound it waits, and so does its
    // peer), and the RPC gives them back once the router has every verdict. The router asks for a check only after
    // the seen cache: a copy of a message already seen is never checked again. Verdicts go back to the router in
    // the order it asked for the checks.
    /** Messages of inbound RPCs that may be waiting for their signature check, by default. */
    static final int DEFAULT_MAX_PENDING_CHECKS = 1024;
    private final int maxPendingChecks;
    private final java.util.concurrent.Semaphore checkPermits;
    private final int checkThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private final java.util.concurrent.ConcurrentLinkedQueue<PendingCheck> toCheck =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger checkers = new java.util.concurrent.atomic.AtomicInteger();
    // Confined to the behaviour's thread.
    private final java.util.ArrayDeque<PendingCheck> checks = new java.util.ArrayDeque<>();
    private Inbound handling; // the RPC the router is handling, while it does
    private int checksOffThread;
    private int peakChecksOffThread;

    /** RPC bytes read and not yet handled that the node holds at most: 64 RPCs of the largest size allowed. */
    static int inboundBudget(GossipsubConfig config) {
        return (int) Math.min(Integer.MAX_VALUE, 64L * config.limits().maxRpcSize());
    }

    public GossipsubBehaviour(GossipsubConfig config) {
        this(config, DEFAULT_MAX_PENDING_CHECKS);
    }

    GossipsubBehaviour(GossipsubConfig config, int maxPendingChecks) {
        if (maxPendingChecks < 1) {
            throw new IllegalArgumentException("maxPendingChecks " + maxPendingChecks);
        }
        this.config = config;
        this.inboundBudget = new java.util.concurrent.Semaphore(inboundBudget(config));
        this.maxPendingChecks = maxPendingChecks;
        this.checkPermits = new java.util.concurrent.Semaphore(maxPendingChecks, true);
    }

    /**
     * Takes what an inbound RPC of {@code bytes} with {@code messages} messages holds until the router is done with
     * it: its bytes of the inbound budget and, when messages are signed, a signature check permit per message (at
     * most the bound). Waits while either is short.
     */
    Inbound reserveInbound(int bytes, int messages) throws InterruptedException {
        int permits = config.signaturePolicy() == SignaturePolicy.STRICT_SIGN
                ? Math.min(messages, maxPendingChecks) : 0;
        inboundBudget.acquire(bytes);
        try {
            if (permits > 0) {
                checkPermits.acquire(permits);
            }
        } catch (InterruptedException e) {
            inboundBudget.release(bytes);
            throw e;
        }
        return new Inbound(bytes, permits);
    }

    /** An inbound RPC's share of the inbound budget and of the signature check permits. */
    static final class Inbound {
        final int bytes;
        final int permits;
        int checking; // checks of its messages under way off the behaviour's thread
        boolean handled;
        boolean released;

        Inbound(int bytes, int permits) {
            this.bytes = bytes;
            this.permits = permits;
        }
    }

    /** A signature check the router asked for, and its outcome once known. */
    private static final class PendingCheck {
        final Supplier<Optional<String>> check;
        final Consumer<Optional<String>> verdict;
        final Inbound rpc; // null when checked on the behaviour's thread
        volatile Optional<String> outcome;

        PendingCheck(Supplier<Optional<String>> check, Consumer<Optional<String>> verdict, Inbound rpc) {
            this.check = check;
            this.verdict = verdict;
            this.rpc = rpc;
        }
    }

    /** Bytes of the inbound RPC budget free now (for tests). */
    int inboundBudgetAvailable() {
        return inboundBudget.availablePermits();
    }

    /** Signature check permits free now (for tests). */
    int checkPermitsAvailable() {
        return checkPermits.availablePermits();
    }

    /** The most signature checks ever under way off the behaviour's thread at once (for tests). */
    int peakChecksOffThread() throws InterruptedException {
        return context.call(() -> peakChecksOffThread);
    }

    /** Signature checks the router waits for (for tests). */
    int pendingSignatureChecks() throws InterruptedException {
        return context.call(router::pendingSignatureChecks);
    }

    public GossipsubBehaviour() {
        this(GossipsubConfig.defaults());
    }

    public GossipsubConfig config() {
        return config;
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        this.router = new PubsubRouter(config, context.localPeer(), context.identity(), context.scheduler()::now,
                new RouterOutput());
        for (String p : router.protocols()) {
            context.serve(p);
        }
        heartbeat = context.schedule(config.heartbeatInitialDelay(), () -> {
            heartbeat();
            heartbeat = context.every(config.heartbeatInterval(), this::heartbeat);
        });
    }

    private void heartbeat() {
        router.heartbeat();
        heartbeats.incrementAndGet();
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        PubsubHandler h = new PubsubHandler(hc, this, router.protocols(), config.limits(),
                config.sendQueueCapacity());
        handlers.computeIfAbsent(hc.remotePeer(), k -> new ArrayList<>()).add(h);
        byConnection.put(hc.connection().id(), h);
        return h;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (event instanceof SwarmEvent.ConnectionClosed closed) {
            PubsubHandler h = byConnection.remove(closed.connection().id());
            if (h != null) {
                h.close();
                dropHandler(h);
            }
        }
    }

    private void dropHandler(PubsubHandler h) {
        List<PubsubHandler> list = handlers.get(h.peer());
        if (list == null) {
            return;
        }
        list.remove(h);
        if (list.isEmpty()) {
            handlers.remove(h.peer());
            router.removePeer(h.peer());
        }
    }

    @Override
    public void stop() {
        heartbeat.cancel();
        for (List<Subscription> subs : subscriptions.values()) {
            subs.forEach(Subscription::closeQuietly);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // From the handlers (on the behaviour's thread)

    void negotiated(PubsubHandler h, String protocol) {
        if (byConnection.get(h.context().connection().id()) != h) {
            return; // its connection closed meanwhile
        }
        addPeer(h, protocol);
    }

    private void addPeer(PubsubHandler h, String protocol) {
        if (!router.hasPeer(h.peer())) {
            router.addPeer(h.peer(), protocol, h.context().connection().direction()
                    == org.jlibp2p.core.swarm.Direction.OUTBOUND, ips(h.peer()));
        }
    }

    private Set<String> ips(PeerId peer) {
        Set<String> out = new java.util.HashSet<>();
        for (PubsubHandler h : handlers.getOrDefault(peer, List.of())) {
            Multiaddr a = h.context().connection().remoteAddress();
            a.valueOf(Protocol.IP4).ifPresent(out::add);
            a.valueOf(Protocol.IP6).ifPresent(out::add);
        }
        return out;
    }

    void outboundFailed(PubsubHandler h) {
        if (byConnection.get(h.context().connection().id()) == h) {
            byConnection.remove(h.context().connection().id());
            dropHandler(h);
        }
    }

    void received(PubsubHandler h, PeerId peer, String protocol, Rpc rpc, Inbound in) {
        try {
            if (byConnection.get(h.context().connection().id()) == h) {
                addPeer(h, protocol); // the peer's stream may come before ours is negotiated
                handling = in;
                try {
                    router.handleRpc(peer, rpc);
                } finally {
                    handling = null;
                }
            }
        } finally {
            in.handled = true;
            done(in);
        }
    }

    /** Gives back what {@code in} holds once the router has handled it and every check of it is answered. */
    private void done(Inbound in) {
        if (in.handled && in.checking == 0 && !in.released) {
            in.released = true;
            inboundBudget.release(in.bytes);
            checkPermits.release(in.permits);
            rpcsReceived.incrementAndGet();
        }
    }

    private void checkSignature(Supplier<Optional<String>> check, Consumer<Optional<String>> verdict) {
        Inbound in = handling;
        if (in != null && in.checking < in.permits) {
            in.checking++;
            PendingCheck c = new PendingCheck(check, verdict, in);
            checks.add(c);
            checksOffThread++;
            peakChecksOffThread = Math.max(peakChecksOffThread, checksOffThread);
            toCheck.add(c);
            if (claimChecker()) {
                context.spawn("pubsub-signature-checks", this::runChecks);
            }
            return;
        }
        // a check with no permit (more messages in one RPC than the bound): here, in its turn
        PendingCheck c = new PendingCheck(check, verdict, null);
        c.outcome = outcome(check);
        checks.add(c);
        if (checks.size() == 1) {
            answerChecks();
        }
    }

    private static Optional<String> outcome(Supplier<Optional<String>> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return Optional.of("the message's signature could not be checked: " + e);
        }
    }

    private boolean claimChecker() {
        while (true) {
            int n = checkers.get();
            if (n >= checkThreads) {
                return false;
            }
            if (checkers.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** A checker thread: checks until none is waiting, and has each outcome answered on the behaviour's thread. */
    private void runChecks() {
        while (true) {
            PendingCheck c = toCheck.poll();
            if (c == null) {
                checkers.decrementAndGet();
                if (toCheck.isEmpty() || !claimChecker()) {
                    return; // none left, or another checker takes what came meanwhile
                }
                continue;
            }
            c.outcome = outcome(c.check);
            try {
                context.execute(this::answerChecks);
            } catch (IllegalStateException closing) {
                checkers.decrementAndGet();
                return;
            }
        }
    }

    /** Hands the router the verdicts known, in the order it asked for the checks. */
    private void answerChecks() {
        PendingCheck c;
        while ((c = checks.peek()) != null && c.outcome != null) {
            checks.poll();
            try {
                c.verdict.accept(c.outcome);
            } finally {
                if (c.rpc != null) {
                    checksOffThread--;
                    c.rpc.checking--;
                    done(c.rpc);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The router's output (on the behaviour's thread)

    private void send(PeerId peer, Rpc rpc) {
        List<PubsubHandler> list = handlers.get(peer);
        if (list == null || list.isEmpty()) {
            return;
        }
        if (list.getFirst().send(encoder.frame(rpc))) {
            rpcsSent.incrementAndGet();
        } else {
            droppedRpcs++;
        }
    }

    private void deliver(GossipsubEvent.Received message) {
        for (Subscription s : subscriptions.getOrDefault(message.message().topic(), List.of())) {
            s.offer(message);
        }
        if (config.emitMessages()) {
            context.emit(message);
        }
        for (Consumer<GossipsubEvent> l : listeners) {
            l.accept(message);
        }
    }

    private void event(GossipsubEvent event) {
        context.emit(event);
        for (Consumer<GossipsubEvent> l : listeners) {
            l.accept(event);
        }
    }

    private void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {
        List<Multiaddr> addrs = List.of();
        if (signedPeerRecord.isPresent()) {
            try {
                PeerRecord r = PeerRecord.consume(signedPeerRecord.get());
                if (r.peerId().equals(peer)) {
                    addrs = r.addresses();
                }
            } catch (FormatException e) {
                addrs = List.of(); // an offer we cannot check: dial what the peerstore knows, if anything
            }
        }
        if (!addrs.isEmpty() || !context.peerstore().addresses(peer).isEmpty()) {
            context.dial(peer, addrs);
        }
    }

    /** What the router asks of the node, kept out of the behaviour's public API. */
    private final class RouterOutput implements PubsubRouter.Output {
        @Override
        public void send(PeerId peer, Rpc rpc) {
            GossipsubBehaviour.this.send(peer, rpc);
        }

        @Override
        public void deliver(GossipsubEvent.Received message) {
            GossipsubBehaviour.this.deliver(message);
        }

        @Override
        public void event(GossipsubEvent event) {
            GossipsubBehaviour.this.event(event);
        }

        @Override
        public void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {
            GossipsubBehaviour.this.connect(peer, signedPeerRecord);
        }

        @Override
        public void runOnRouter(Runnable task) {
            context.execute(task);
        }

        @Override
        public void checkSignature(Supplier<Optional<String>> check, Consumer<Optional<String>> verdict) {
            GossipsubBehaviour.this.checkSignature(check, verdict);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The application's API (any thread but another behaviour's)

    /**
     * Subscribes to {@code topic}: messages arrive in the returned subscription's buffer (of
     * {@link GossipsubConfig#subscriptionBuffer()} messages).
     *
     * @throws IllegalArgumentException if the subscription filter refuses the topic
     */
    public Subscription subscribe(String topic) throws InterruptedException {
        if (!config.subscriptionFilter().allows(topic)) {
            throw new IllegalArgumentException("the subscription filter refuses topic " + topic);
        }
        Subscription[] holder = new Subscription[1];
        Subscription sub = new Subscription(topic, config.subscriptionBuffer(),
                () -> {
                    try {
                        context.execute(() -> unsubscribed(holder[0]));
                    } catch (IllegalStateException closing) {
                        // the node is closing: nothing left to leave
                    }
                });
        holder[0] = sub;
        context.call(() -> {
            subscriptions.computeIfAbsent(topic, k -> new ArrayList<>()).add(sub);
            router.subscribe(topic);
            return null;
        });
        return sub;
    }

    /**
     * Subscribes to {@code topic} with a handler run for each message on a thread of the subscription's own (so it
     * may block); closing the returned subscription stops it.
     */
    public Subscription subscribe(String topic, Consumer<GossipsubEvent.Received> handler)
            throws InterruptedException {
        Subscription sub = subscribe(topic);
        context.spawn("pubsub-subscriber-" + topic, () -> {
            try {
                while (!sub.isClosed()) {
                    sub.next(Duration.ofSeconds(1)).ifPresent(handler);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return sub;
    }

    private void unsubscribed(Subscription sub) {
        List<Subscription> subs = subscriptions.get(sub.topic());
        if (subs != null && subs.remove(sub) && subs.isEmpty()) {
            subscriptions.remove(sub.topic());
            router.unsubscribe(sub.topic());
        }
    }

    /** Publishes {@code data} to {@code topic}; returns the message's id. */
    public MessageId publish(String topic, byte[] data) throws InterruptedException {
        int max = Math.min(config.limits().maxMessageSize(), config.limits().maxRpcSize() - 4096);
        if (data.length > max) {
            throw new IllegalArgumentException("a message of " + data.length + " bytes is larger than the limit of "
                    + max + " (the message size limit, and room for the rest of an RPC under the RPC size limit)");
        }
        byte[] copy = data.clone();
        return context.call(() -> router.publish(topic, copy));
    }

    /** The topics this node is subscribed to. */
    public Set<String> topics() throws InterruptedException {
        return context.call(router::topics);
    }

    /** The peers subscribed to {@code topic}. */
    public Set<PeerId> peers(String topic) throws InterruptedException {
        return context.call(() -> router.peers(topic));
    }

    /** Every peer speaking pubsub with this node. */
    public Set<PeerId> peers() throws InterruptedException {
        return context.call(router::peers);
    }

    /** This node's mesh of {@code topic}. */
    public Set<PeerId> mesh(String topic) throws InterruptedException {
        return context.call(() -> router.mesh(topic));
    }

    /** {@code peer}'s score. */
    public double score(PeerId peer) throws InterruptedException {
        return context.call(() -> router.score(peer));
    }

    /** The parts of {@code peer}'s score. */
    public ScoreExplanation explain(PeerId peer) throws InterruptedException {
        return context.call(() -> router.explain(peer));
    }

    public void addValidator(String topic, Validator validator) throws InterruptedException {
        context.call(() -> {
            router.addValidator(topic, validator);
            return null;
        });
    }

    public void addAsyncValidator(String topic, AsyncValidator validator) throws InterruptedException {
        context.call(() -> {
            router.addAsyncValidator(topic, validator);
            return null;
        });
    }

    /** Calls {@code listener} on the behaviour's thread for every event and delivered message; it must not block. */
    public void addListener(Consumer<GossipsubEvent> listener) {
        listeners.add(listener);
    }

    /** The router's counters, read on the behaviour's thread. */
    public Stats stats() throws InterruptedException {
        return context.call(() -> {
            PubsubRouter.Counters c = router.counters();
            return new Stats(c.published(), c.delivered(), c.duplicates(), c.rejected(), c.ignored(),
                    c.validationsDropped(), droppedRpcs, router.seenCount(), router.cachedMessages());
        });
    }

    /**
     * RPCs queued for peers so far (any thread, without waiting). With {@link #rpcsReceived()} summed over a
     * network, it tells a simulation when nothing is in flight: every RPC queued has been handled, along with what
     * handling it sent.
     */
    public long rpcsSent() {
        return rpcsSent.get();
    }

    /** RPCs received from peers and handled by the router so far (any thread, without waiting). */
    public long rpcsReceived() {
        return rpcsReceived.get();
    }

    /** Heartbeats run so far (any thread, without waiting). */
    public long heartbeats() {
        return heartbeats.get();
    }

    /** What a node counted: messages by fate, RPCs dropped on full send queues, and its caches' sizes. */
    public record Stats(long published, long delivered, long duplicates, long rejected, long ignored,
            long validationsDropped, long rpcsDropped, int seen, int cached) {}
}
