package org.jlibp2p.core.connmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.CloseCause;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.Cancellable;

/**
 * The connection manager: keeps the number of connections between a low and a high water mark by closing the
 * connections of the least valuable peers, as go-libp2p's basic connection manager does.
 *
 * <p><b>Value.</b> Applications and behaviours tag peers with integer weights ({@link #tagPeer}, {@link #upsertTag});
 * a peer's value is the sum of its tags' weights. A peer protected under at least one tag ({@link #protect}) is never
 * trimmed. Tags live as long as the peer stays connected: they are dropped with its last connection (as go-libp2p
 * does). A peer tagged before it connects keeps its tags for the grace period (at least a minute) waiting for its
 * first connection, and at most {@link #MAX_PENDING_PEERS} such peers are kept (the oldest go first). Protections
 * stay until removed, connected or not.
 *
 * <p><b>Trimming.</b> When a connection is established and the connections number more than the high water mark,
 * the manager trims, at most once per silence period: if one ran less than that ago, it trims when the period ends
 * (and then again each period while the count stays above the high water mark). {@link #trim()} trims at once
 * whatever the count and the last trim. A trim considers the peers that are neither protected nor in their grace
 * period (which runs from a peer's first connection) and closes their connections, with
 * {@link CloseCause.Trimmed}, until {@code lowWater} of those trimmable connections remain: connections of protected
 * peers and of peers in their grace period are kept on top of the low water mark, so a burst of new connections
 * cannot push out peers connected for longer, and a trim never brings the count below the low water mark. Peers are
 * trimmed in this order, the first going first:
 *
 * <ol>
 *   <li>lower value;
 *   <li>then peers with no stream open on any of their connections;
 *   <li>then peers whose connections are all inbound (outbound connections are the ones this node chose to make);
 *   <li>then the peer connected most recently (peers connected for longer have proven stable);
 *   <li>then by peer id, so that the order is the same on every run.
 * </ol>
 *
 * A peer's connections are closed newest first; when fewer than all of them are needed to reach the low water mark,
 * only those are closed.
 *
 * <p><b>Threads.</b> The manager is a {@link Behaviour}: its state lives on its own thread and the trim runs there, on
 * the node's clock ({@link BehaviourContext#scheduler()}), so that a test on a manual clock controls the grace and
 * silence periods. The public methods are thread-safe and hand their work to that thread: the ones that change
 * tags and protections return at once (callable from any thread, another behaviour's too) and take effect in the
 * order they were called from one thread; the queries ({@link #isProtected}, {@link #peerInfo}, {@link #trim}, ...)
 * wait for the answer and so may not be called from another behaviour's thread. Every method throws
 * {@link IllegalStateException} before the manager is added to a swarm.
 */
public final class ConnManager implements Behaviour {
    private static final System.Logger LOG = System.getLogger(ConnManager.class.getName());

    /** The longest tag name (in chars) accepted, for tags and protections. */
    public static final int MAX_TAG_LENGTH = 256;
    /** Tags one peer can carry; further tag names are ignored (logged). */
    public static final int MAX_TAGS_PER_PEER = 1024;
    /** Peers tagged while not connected that are kept waiting for a connection. */
    public static final int MAX_PENDING_PEERS = 1024;
    /** How long at least tags of a peer not connected wait for its first connection. */
    static final Duration MIN_PENDING_TIME = Duration.ofMinutes(1);

    private final ConnManagerConfig config;
    private volatile BehaviourContext context;

    // ---- state on the behaviour's thread only
    private final Map<PeerId, Peer> connected = new HashMap<>();
    private final LinkedHashMap<PeerId, Peer> pending = new LinkedHashMap<>();
    private final Map<PeerId, Set<String>> protections = new HashMap<>();
    /** Connections this manager closed whose ConnectionClosed has not arrived yet. */
    private final Set<Long> closing = new HashSet<>();
    private int connectionCount;
    private boolean trimmedOnce;
    private long lastTrimNanos;
    private Cancellable trimCheck;
    private boolean stopped;

    /** One peer: its tags, their sum, its open connections, when it was first seen. */
    private static final class Peer {
        final PeerId id;
        final Map<String, Integer> tags = new HashMap<>();
        long value;
        final LinkedHashMap<Long, Connection> connections = new LinkedHashMap<>();
        long firstSeenNanos;
        Instant firstSeen;
        Cancellable expiry = Cancellable.NONE;

        Peer(PeerId id) {
            this.id = id;
        }
    }

    public ConnManager(ConnManagerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A manager with go-libp2p-daemon's water marks (256, 512) and go-libp2p's periods. */
    public ConnManager() {
        this(ConnManagerConfig.defaults());
    }

    public ConnManagerConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- the public API, any thread

    /** Sets {@code peer}'s tag {@code tag} to {@code weight}, adding the tag if it is new. Returns at once. */
    public void tagPeer(PeerId peer, String tag, int weight) {
        Objects.requireNonNull(peer, "peer");
        checkTag(tag);
        ctx().execute(() -> setTag(peer, tag, old -> weight));
    }

    /** Removes {@code peer}'s tag {@code tag}, if it has one. Returns at once. */
    public void untagPeer(PeerId peer, String tag) {
        Objects.requireNonNull(peer, "peer");
        checkTag(tag);
        ctx().execute(() -> {
            Peer p = known(peer);
            if (p == null) {
                return;
            }
            Integer old = p.tags.remove(tag);
            if (old != null) {
                p.value -= old;
            }
        });
    }

    /**
     * Sets {@code peer}'s tag {@code tag} to {@code upsert} applied to its current weight (0 for a new tag). The
     * function runs on the manager's thread and must not block. Returns at once.
     */
    public void upsertTag(PeerId peer, String tag, IntUnaryOperator upsert) {
        Objects.requireNonNull(peer, "peer");
        checkTag(tag);
        Objects.requireNonNull(upsert, "upsert");
        ctx().execute(() -> setTag(peer, tag, upsert));
    }

    /** Protects {@code peer} from trimming under {@code tag}. Returns at once. */
    public void protect(PeerId peer, String tag) {
        Objects.requireNonNull(peer, "peer");
        checkTag(tag);
        ctx().execute(() -> protections.computeIfAbsent(peer, k -> new HashSet<>()).add(tag));
    }

    /**
     * Removes {@code peer}'s protection under {@code tag}; it stays protected under its other tags, if any (see
     * {@link #isProtected}). Returns at once.
     */
    public void unprotect(PeerId peer, String tag) {
        Objects.requireNonNull(peer, "peer");
        checkTag(tag);
        ctx().execute(() -> {
            Set<String> tags = protections.get(peer);
            if (tags != null && tags.remove(tag) && tags.isEmpty()) {
                protections.remove(peer);
            }
        });
    }

    /**
     * Whether {@code peer} is protected under {@code tag}, or under any tag when {@code tag} is null or empty.
     * Waits for the manager's thread.
     */
    public boolean isProtected(PeerId peer, String tag) throws InterruptedException {
        Objects.requireNonNull(peer, "peer");
        return ctx().call(() -> {
            Set<String> tags = protections.get(peer);
            return tags != null && (tag == null || tag.isEmpty() || tags.contains(tag));
        });
    }

    /**
     * What the manager knows of {@code peer}: empty unless it is connected or waits for its first connection with
     * tags. Waits for the manager's thread.
     */
    public Optional<PeerTagInfo> peerInfo(PeerId peer) throws InterruptedException {
        Objects.requireNonNull(peer, "peer");
        return ctx().call(() -> {
            Peer p = known(peer);
            if (p == null) {
                return Optional.empty();
            }
            return Optional.of(new PeerTagInfo(p.id, new java.util.TreeMap<>(p.tags), p.value, p.firstSeen,
                    p.connections.size(), new java.util.TreeSet<>(protections.getOrDefault(peer, Set.of()))));
        });
    }

    /** The open connections the manager counts, less those it is closing. Waits for the manager's thread. */
    public int connectionCount() throws InterruptedException {
        return ctx().call(this::effectiveCount);
    }

    /**
     * Trims now, whatever the count and whenever the last trim ran: closes connections of unprotected peers past
     * their grace period, least valuable first, until {@code lowWater} of those remain. Returns how many connections
     * it closes (their {@link SwarmEvent.ConnectionClosed} follow). Waits for the manager's thread.
     */
    public int trim() throws InterruptedException {
        return ctx().call(this::trimNow);
    }

    // ---------------------------------------------------------------- the behaviour

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.ConnectionEstablished e -> established(e.connection());
            case SwarmEvent.ConnectionClosed e -> closed(e.connection());
            default -> { }
        }
    }

    @Override
    public void stop() {
        stopped = true;
        if (trimCheck != null) {
            trimCheck.cancel();
            trimCheck = null;
        }
        pending.values().forEach(p -> p.expiry.cancel());
    }

    private void established(Connection c) {
        PeerId id = c.remotePeer();
        Peer p = connected.get(id);
        if (p == null) {
            p = pending.remove(id);
            if (p != null) {
                p.expiry.cancel();
                p.expiry = Cancellable.NONE;
            } else {
                p = new Peer(id);
            }
            p.firstSeenNanos = context.scheduler().nanoTime();
            p.firstSeen = context.scheduler().now();
            connected.put(id, p);
        }
        if (p.connections.putIfAbsent(c.id(), c) == null) {
            connectionCount++;
        }
        if (effectiveCount() > config.highWater()) {
            requestTrim();
        }
    }

    private void closed(Connection c) {
        closing.remove(c.id());
        Peer p = connected.get(c.remotePeer());
        if (p == null || p.connections.remove(c.id()) == null) {
            return;
        }
        connectionCount--;
        if (p.connections.isEmpty()) {
            connected.remove(p.id); // its tags go with it, as in go-libp2p
        }
    }

    // ---------------------------------------------------------------- tags, on the behaviour's thread

    private void setTag(PeerId id, String tag, IntUnaryOperator upsert) {
        Peer p = known(id);
        if (p == null) {
            p = addPending(id);
        }
        Integer old = p.tags.get(tag);
        if (old == null && p.tags.size() >= MAX_TAGS_PER_PEER) {
            LOG.log(System.Logger.Level.WARNING, () -> "peer " + id + " has " + MAX_TAGS_PER_PEER
                    + " tags already; tag '" + tag + "' ignored");
            return;
        }
        int weight = upsert.applyAsInt(old == null ? 0 : old);
        p.tags.put(tag, weight);
        p.value += weight - (old == null ? 0 : old);
    }

    private Peer known(PeerId id) {
        Peer p = connected.get(id);
        return p != null ? p : pending.get(id);
    }

    /** Keeps the tags of a peer not connected for a while, waiting for its first connection. */
    private Peer addPending(PeerId id) {
        if (pending.size() >= MAX_PENDING_PEERS) {
            Iterator<Peer> oldest = pending.values().iterator();
            Peer dropped = oldest.next();
            oldest.remove();
            dropped.expiry.cancel();
            LOG.log(System.Logger.Level.DEBUG, () -> "tags of " + dropped.id + " dropped: " + MAX_PENDING_PEERS
                    + " peers not connected hold tags");
        }
        Peer p = new Peer(id);
        p.firstSeenNanos = context.scheduler().nanoTime();
        p.firstSeen = context.scheduler().now();
        pending.put(id, p);
        if (!stopped) {
            Duration keep = config.gracePeriod().compareTo(MIN_PENDING_TIME) > 0 ? config.gracePeriod()
                    : MIN_PENDING_TIME;
            p.expiry = context.schedule(keep, () -> pending.remove(id, p));
        }
        return p;
    }

    // ---------------------------------------------------------------- trimming, on the behaviour's thread

    private int effectiveCount() {
        return connectionCount - closing.size();
    }

    /** Trims now unless a trim ran within the silence period, in which case once the period is over. */
    private void requestTrim() {
        if (trimCheck != null || stopped) {
            return;
        }
        long sinceLast = context.scheduler().nanoTime() - lastTrimNanos;
        long wait = trimmedOnce ? config.silencePeriod().toNanos() - sinceLast : 0;
        if (wait <= 0) {
            trimIfAboveHighWater();
        } else {
            trimCheck = context.schedule(Duration.ofNanos(wait), () -> {
                trimCheck = null;
                trimIfAboveHighWater();
            });
        }
    }

    private void trimIfAboveHighWater() {
        if (effectiveCount() <= config.highWater()) {
            return;
        }
        trimNow();
        if (effectiveCount() > config.highWater()) {
            // protected peers or peers in their grace period keep the count up: look again after the silence period
            requestTrim();
        }
    }

    /** A trimmable peer, its figures read once so that sorting sees a consistent view. */
    private record Candidate(Peer peer, List<Connection> open, long value, boolean idle, boolean allInbound,
            long firstSeenNanos, byte[] id) {}

    private static final Comparator<Candidate> TRIM_ORDER = Comparator.comparingLong(Candidate::value)
            .thenComparing(c -> !c.idle())
            .thenComparing(c -> !c.allInbound())
            .thenComparing(Comparator.comparingLong(Candidate::firstSeenNanos).reversed())
            .thenComparing(Candidate::id, Arrays::compareUnsigned);

    private int trimNow() {
        long now = context.scheduler().nanoTime();
        trimmedOnce = true;
        lastTrimNanos = now;
        long grace = config.gracePeriod().toNanos();
        List<Candidate> candidates = new ArrayList<>();
        int trimmable = 0;
        for (Peer p : connected.values()) {
            if (protections.containsKey(p.id) || now - p.firstSeenNanos < grace) {
                continue;
            }
            List<Connection> open = new ArrayList<>(p.connections.size());
            int streams = 0;
            boolean allInbound = true;
            for (Connection c : p.connections.values()) {
                if (!closing.contains(c.id())) {
                    open.add(c);
                    streams += c.streamCount();
                    allInbound &= c.direction() == Direction.INBOUND;
                }
            }
            if (!open.isEmpty()) {
                candidates.add(new Candidate(p, open.reversed(), p.value, streams == 0, allInbound, p.firstSeenNanos,
                        p.id.bytes()));
                trimmable += open.size();
            }
        }
        int toClose = trimmable - config.lowWater();
        if (toClose <= 0) {
            return 0;
        }
        candidates.sort(TRIM_ORDER);
        int closedNow = 0;
        for (Candidate c : candidates) {
            for (Connection conn : c.open()) {
                if (closedNow == toClose) {
                    break;
                }
                closing.add(conn.id());
                conn.close(new CloseCause.Trimmed());
                closedNow++;
            }
            if (closedNow == toClose) {
                break;
            }
        }
        int n = closedNow;
        LOG.log(System.Logger.Level.DEBUG, () -> "trimmed " + n + " connections; " + effectiveCount() + " remain");
        return closedNow;
    }

    // ---------------------------------------------------------------- helpers

    private BehaviourContext ctx() {
        BehaviourContext c = context;
        if (c == null) {
            throw new IllegalStateException("the connection manager is not added to a swarm yet");
        }
        return c;
    }

    private static void checkTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        if (tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
            throw new IllegalArgumentException("a tag is 1 to " + MAX_TAG_LENGTH + " chars long: '"
                    + (tag.length() > 64 ? tag.substring(0, 64) + "..." : tag) + "'");
        }
    }
}
