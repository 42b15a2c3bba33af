package org.jlibp2p.kademlia;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.identify.IdentifyEvent;
import org.jlibp2p.kademlia.KademliaEvent.QueryKind;
import org.jlibp2p.kademlia.KademliaEvent.QueryStats;
import org.jlibp2p.kademlia.internal.AddressFilter;
import org.jlibp2p.kademlia.internal.ClosestPeersQuery;
import org.jlibp2p.kademlia.internal.KadCodec;
import org.jlibp2p.kademlia.internal.KadKey;
import org.jlibp2p.kademlia.internal.KadMessage;
import org.jlibp2p.kademlia.internal.KadMessage.Type;
import org.jlibp2p.kademlia.internal.KadServer;
import org.jlibp2p.kademlia.internal.LookupDriver;
import org.jlibp2p.kademlia.internal.PeerLookup;
import org.jlibp2p.kademlia.internal.RequestSender;
import org.jlibp2p.kademlia.internal.RoutingTable;
import org.jlibp2p.kademlia.record.InvalidRecordException;
import org.jlibp2p.kademlia.record.NamespacedValidator;
import org.jlibp2p.kademlia.record.ProviderRecord;
import org.jlibp2p.kademlia.record.ProviderStore;
import org.jlibp2p.kademlia.record.RecordStore;
import org.jlibp2p.kademlia.record.Validator;

/**
 * The Kademlia DHT ({@value #PROTOCOL_ID} by default; libp2p/specs kad-dht): peer routing, values and provider
 * records, in server or client mode.
 *
 * <p>The routing table, the stores and every lookup in progress live on the behaviour's thread. A lookup is a
 * {@link ClosestPeersQuery} (a state machine without I/O) that this class drives: each request it asks for runs on a
 * thread of its own through a {@link RequestSender} that reuses streams, and its outcome comes back to the behaviour's
 * thread. Time is the node's scheduler's, so on a manual clock request timeouts fire only when the test moves time.
 *
 * <p>Peers enter the routing table when identify says they serve the DHT protocol, or when they answer a request
 * over it: both prove server mode. A peer whose request fails at the connection leaves the table and a replacement
 * takes its place. The table is refreshed on start (once it has a peer), every {@link KademliaConfig#refreshInterval()},
 * and whenever it becomes empty and a peer comes back.
 *
 * <p>The public methods block the calling thread until the network answers or the query timeout passes; never call
 * them on a behaviour's thread.
 */
public final class KademliaBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/ipfs/kad/1.0.0";

    private static final Logger LOG = System.getLogger(KademliaBehaviour.class.getName());
    /** Requests one inbound stream may carry before it is closed (a bound; peers reuse streams far less). */
    private static final int MAX_REQUESTS_PER_STREAM = 10_000;
    /** Buckets beyond this prefix length are not refreshed by random lookups (finding keys there costs 2^cpl hashes). */
    private static final int MAX_REFRESH_CPL = 15;
    /** Peers a lookup keeps track of at most. */
    private static final int MAX_PEERS_PER_QUERY = 1000;
    /** Peers of a saved routing table checked at once. */
    private static final int SEED_CHECKS_IN_FLIGHT = 16;

    private final KademliaConfig config;
    private final RandomGenerator random;
    private final Validator validator;
    private final KadCodec codec;
    private final AddressFilter addressFilter;
    private final ServedRequests served = new ServedRequests();
    private volatile BehaviourContext context;
    private volatile RequestSender sender;

    // Owned by the behaviour's thread.
    private RoutingTable table;
    private RecordStore records;
    private ProviderStore providers;
    private KadServer server;
    private final Set<Key> provided = new HashSet<>();
    private final Map<Long, Query> queries = new HashMap<>();
    private long nextQueryId;
    private CompletableFuture<Void> bootstrapping;
    /** Saved peers waiting for their check, and those being checked. */
    private final LinkedHashMap<PeerId, PeerInfo> seedsWaiting = new LinkedHashMap<>();
    private final LinkedHashMap<PeerId, PeerInfo> seedsChecking = new LinkedHashMap<>();
    private int seedsChecked;
    private int seedsAnswered;
    private long tableViewVersion = -1;

    /** The table as of its last change, for {@link #routingTableSnapshot}; written by the behaviour's thread. */
    private volatile List<PeerInfo> tableView = List.of();
    /** Saved peers handed to {@link #seed} before the start; guarded by itself. */
    private final List<PeerInfo> seedsBeforeStart = new ArrayList<>();
    private boolean started; // guarded by seedsBeforeStart

    public KademliaBehaviour(KademliaConfig config, Validator validator, RandomGenerator random) {
        this.config = config;
        this.validator = validator;
        this.random = random;
        this.codec = new KadCodec(config.maxMessageSize(), config.maxPeersPerMessage(), config.maxAddressesPerPeer());
        this.addressFilter = new AddressFilter(config.privateAddresses());
    }

    public KademliaBehaviour(KademliaConfig config) {
        this(config, NamespacedValidator.defaults(), new SecureRandom());
    }

    public KademliaBehaviour() {
        this(KademliaConfig.defaults());
    }

    public KademliaConfig config() {
        return config;
    }

    /**
     * Keeps records and provider records in these stores (preloaded, or with listeners that keep them on disk)
     * instead of empty default ones. Only before the behaviour is added to a swarm; the behaviour's thread owns
     * them from then on.
     */
    public void useStores(RecordStore records, ProviderStore providers) {
        if (context != null) {
            throw new IllegalStateException("the behaviour has started");
        }
        this.records = java.util.Objects.requireNonNull(records, "records");
        this.providers = java.util.Objects.requireNonNull(providers, "providers");
    }

    // ------------------------------------------------------------------------------------------ behaviour

    @Override
    public void start(BehaviourContext ctx) {
        this.context = ctx;
        this.table = new RoutingTable(ctx.localPeer(), config.k(), config.maxPeersPerIpGroupPerBucket(),
                config.maxPeersPerIpGroupInTable());
        if (records == null) {
            this.records = RecordStore.defaults();
            this.providers = ProviderStore.defaults();
        }
        this.server = new KadServer(config.k(), config.maxPeersPerMessage(), validator, addressFilter, table, records,
                providers, new NodeHost());
        this.sender = new RequestSender(ctx, config.protocolId(), codec, config.requestTimeout(),
                config.streamIdleTimeout());
        if (config.mode() == KademliaConfig.Mode.SERVER) {
            ctx.serve(config.protocolId());
        }
        ctx.every(config.refreshInterval(), this::refresh);
        ctx.every(config.streamIdleTimeout(), this::housekeeping);
        ctx.every(config.providerRepublishInterval(), this::republishProviders);
        List<PeerInfo> early;
        synchronized (seedsBeforeStart) {
            started = true;
            early = List.copyOf(seedsBeforeStart);
            seedsBeforeStart.clear();
        }
        if (!early.isEmpty()) {
            startSeedChecks(early);
        }
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        if (config.mode() != KademliaConfig.Mode.SERVER) {
            return ConnectionHandler.REFUSE;
        }
        return stream -> serve(hc, stream);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.Emitted(IdentifyEvent.Received r) -> {
                if (r.info().protocols().contains(config.protocolId())) {
                    addToTable(r.peer(), addressFilter.filter(r.info().listenAddrs()));
                } else if (table.contains(r.peer())) {
                    // It no longer serves the DHT (switched to client mode).
                    removeFromTable(r.peer());
                }
            }
            case SwarmEvent.DialFailed f when f.peer().isPresent() && table.contains(f.peer().get()) ->
                    removeFromTable(f.peer().get());
            default -> { }
        }
    }

    @Override
    public void stop() {
        for (Query q : List.copyOf(queries.values())) {
            q.fail(new InterruptedIOException("the node is closing"));
        }
        queries.clear();
    }

    private void addToTable(PeerId peer, List<Multiaddr> addresses) {
        boolean wasEmpty = table.size() == 0;
        RoutingTable.Outcome outcome = table.add(peer, addresses, context.scheduler().nanoTime());
        updateTableView(false);
        if (outcome == RoutingTable.Outcome.ADDED) {
            LOG.log(Level.DEBUG, "routing table + {0} ({1} peers)", peer, table.size());
            context.emit(new KademliaEvent.RoutingUpdated(peer, true, table.size()));
            if (wasEmpty) {
                bootstrapNow();
            }
        }
    }

    private void removeFromTable(PeerId peer) {
        if (!table.contains(peer)) {
            return;
        }
        Optional<PeerId> replacement = table.remove(peer);
        updateTableView(false);
        LOG.log(Level.DEBUG, "routing table - {0} ({1} peers)", peer, table.size());
        context.emit(new KademliaEvent.RoutingUpdated(peer, false, table.size()));
        replacement.ifPresent(p -> context.emit(new KademliaEvent.RoutingUpdated(p, true, table.size())));
    }

    /** Copies the table (and the saved peers not yet checked) for {@link #routingTableSnapshot}, if it changed. */
    private void updateTableView(boolean seedsChanged) {
        if (!seedsChanged && table.version() == tableViewVersion) {
            return;
        }
        tableViewVersion = table.version();
        List<PeerInfo> view = new ArrayList<>(table.size() + seedsChecking.size() + seedsWaiting.size());
        for (RoutingTable.Entry e : table.entries()) {
            view.add(new PeerInfo(e.peer(), e.addresses()));
        }
        for (PeerInfo p : seedsChecking.values()) {
            if (!table.contains(p.peer())) {
                view.add(p);
            }
        }
        for (PeerInfo p : seedsWaiting.values()) {
            if (!table.contains(p.peer())) {
                view.add(p);
            }
        }
        tableView = List.copyOf(view);
    }

    // ------------------------------------------------------------------------------------------ a saved table

    /**
     * Seeds the routing table from a saved one (a previous run's {@link #routingTableSnapshot}): each peer is checked
     * as a refresh would, with a FIND_NODE request for this node's id, and enters the table only once it answered;
     * one that does not answer is dropped. Of each bucket the last {@code k} peers of the list are kept (a snapshot
     * lists each bucket least recently seen first), so no more than the table holds are checked, and
     * {@value #SEED_CHECKS_IN_FLIGHT} at a time. When every one was checked, {@link KademliaEvent.SavedPeersChecked}
     * says how many answered. May be called before the behaviour is added to a swarm: the checks then start with
     * it. Does not block.
     */
    public void seed(Collection<PeerInfo> saved) {
        List<PeerInfo> copy = List.copyOf(saved);
        synchronized (seedsBeforeStart) {
            if (!started) {
                seedsBeforeStart.addAll(copy);
                return;
            }
        }
        context.execute(() -> startSeedChecks(copy));
    }

    /**
     * The routing table as of its last change, to be saved: its peers with their addresses, bucket by bucket, least
     * recently seen first, then the saved peers handed to {@link #seed} that are still being checked. Does not
     * block: any thread may call it, a behaviour's included, and after the node stopped.
     */
    public List<PeerInfo> routingTableSnapshot() {
        return tableView;
    }

    /** The most peers the routing table holds: {@code k} in each of its buckets. */
    public int routingTableCapacity() {
        return config.k() * (KadKey.BITS + 1);
    }

    private void startSeedChecks(List<PeerInfo> saved) {
        // The last entry of each peer; the last k of each bucket; none already known or being checked.
        Map<PeerId, PeerInfo> latest = new LinkedHashMap<>();
        for (PeerInfo p : saved) {
            if (!p.peer().equals(context.localPeer())) {
                latest.remove(p.peer());
                latest.put(p.peer(), p);
            }
        }
        Map<Integer, java.util.ArrayDeque<PeerInfo>> byBucket = new HashMap<>();
        for (PeerInfo p : latest.values()) {
            if (table.contains(p.peer()) || seedsChecking.containsKey(p.peer())
                    || seedsWaiting.containsKey(p.peer())) {
                continue;
            }
            java.util.ArrayDeque<PeerInfo> bucket = byBucket.computeIfAbsent(table.bucketOf(KadKey.of(p.peer())),
                    b -> new java.util.ArrayDeque<>());
            bucket.addLast(p);
            if (bucket.size() > config.k()) {
                bucket.removeFirst();
            }
        }
        int room = routingTableCapacity() - seedsWaiting.size() - seedsChecking.size();
        for (java.util.ArrayDeque<PeerInfo> bucket : byBucket.values()) {
            for (PeerInfo p : bucket) {
                if (room-- > 0) {
                    seedsWaiting.put(p.peer(), p);
                }
            }
        }
        LOG.log(Level.DEBUG, "checking {0} peers of a saved routing table", seedsWaiting.size());
        checkSeeds();
    }

    private void checkSeeds() {
        while (seedsChecking.size() < SEED_CHECKS_IN_FLIGHT && !seedsWaiting.isEmpty()) {
            PeerInfo p = seedsWaiting.pollFirstEntry().getValue();
            List<Multiaddr> addrs = addressFilter.filter(p.addresses());
            if (addrs.isEmpty()) {
                seedsChecked++; // nothing this node would dial: dropped unchecked
                continue;
            }
            seedsChecking.put(p.peer(), p);
            context.peerstore().addAddresses(p.peer(), addrs);
            KadMessage ask = KadMessage.request(Type.FIND_NODE, context.localPeer().bytes());
            RequestSender s = sender;
            BehaviourContext c = context;
            c.spawn("kad-check-saved", () -> {
                boolean answered;
                try {
                    answered = s.send(p.peer(), ask, true).isPresent();
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "saved peer {0} did not answer: {1}", p.peer(), e.getMessage());
                    answered = false;
                } catch (IllegalStateException closing) {
                    return;
                }
                boolean ok = answered;
                try {
                    c.execute(() -> seedChecked(p.peer(), addrs, ok));
                } catch (IllegalStateException closed) {
                    // the node is closing
                }
            });
        }
        updateTableView(true);
        if (seedsChecking.isEmpty() && seedsWaiting.isEmpty() && seedsChecked > 0) {
            context.emit(new KademliaEvent.SavedPeersChecked(seedsChecked, seedsAnswered, table.size()));
            seedsChecked = 0;
            seedsAnswered = 0;
        }
    }

    private void seedChecked(PeerId peer, List<Multiaddr> addrs, boolean answered) {
        if (seedsChecking.remove(peer) == null) {
            return;
        }
        seedsChecked++;
        if (answered) {
            seedsAnswered++;
            addToTable(peer, addrs);
        }
        checkSeeds();
    }

    private void housekeeping() {
        RequestSender s = sender;
        context.spawn("kad-idle-streams", s::closeIdle);
        Instant now = context.scheduler().now();
        records.expire(now);
        providers.expire(now);
    }

    // ------------------------------------------------------------------------------------------ bootstrap

    /**
     * Looks up this node's own id and a random key of each bucket not refreshed within the refresh interval, and
     * returns when these lookups have ended (joining a round already under way). Blocking.
     */
    public void bootstrap() throws InterruptedException {
        BehaviourContext c = requireStarted();
        CompletableFuture<Void> done = c.call(this::bootstrapNow);
        try {
            done.get(config.queryTimeout().toMillis() + config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // a lookup that did not end in time ends on its own deadline; nothing to report
        }
    }

    /** Starts a refresh round unless one is under way; returns its completion. */
    private CompletableFuture<Void> bootstrapNow() {
        if (bootstrapping != null) {
            return bootstrapping;
        }
        if (table.size() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> round = new CompletableFuture<>();
        bootstrapping = round;
        long now = context.scheduler().nanoTime();
        List<byte[]> targets = new ArrayList<>();
        targets.add(context.localPeer().bytes());
        int deepest = Math.min(table.deepestBucket(), MAX_REFRESH_CPL);
        for (int b = 0; b <= deepest; b++) {
            if (table.lastRefreshed(b) == 0 || now - table.lastRefreshed(b) >= config.refreshInterval().toNanos()) {
                randomKeyInBucket(b).ifPresent(targets::add);
            }
        }
        AtomicInteger left = new AtomicInteger(targets.size());
        for (byte[] target : targets) {
            table.refreshed(Math.min(table.bucketOf(KadKey.of(target)), KadKey.BITS), now);
            startQuery(new Query(QueryKind.BOOTSTRAP, Type.FIND_NODE, target, config.queryTimeout()) {
                @Override
                void finished() {
                    if (left.decrementAndGet() == 0) {
                        bootstrapping = null;
                        round.complete(null);
                    }
                }
            });
        }
        return round;
    }

    private void refresh() {
        bootstrapNow();
    }

    /** A random peer id whose key falls into bucket {@code b}: found by trying, 2^(b+1) tries expected. */
    private Optional<byte[]> randomKeyInBucket(int b) {
        KadKey local = table.localKey();
        byte[] id = new byte[34];
        id[0] = 0x12; // sha2-256 multihash of 32 random bytes: the shape of an RSA or secp256k1 peer id
        id[1] = 0x20;
        for (int attempt = 0; attempt < (4 << MAX_REFRESH_CPL); attempt++) {
            byte[] rnd = new byte[32];
            random.nextBytes(rnd);
            System.arraycopy(rnd, 0, id, 2, 32);
            if (local.commonPrefixLength(KadKey.of(id)) == b) {
                return Optional.of(id.clone());
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------ public API

    /**
     * Finds the addresses of {@code peer}: from an open connection if there is one, else by a lookup. Blocking.
     *
     * @return empty if the network does not know the peer (or the lookup timed out)
     */
    public Optional<PeerInfo> findPeer(PeerId peer) throws IOException, InterruptedException {
        return findPeer(peer, config.queryTimeout());
    }

    public Optional<PeerInfo> findPeer(PeerId peer, Duration timeout) throws IOException, InterruptedException {
        BehaviourContext c = requireStarted();
        for (Connection conn : c.connections()) {
            if (conn.remotePeer().equals(peer)) {
                List<Multiaddr> known = c.peerstore().addresses(peer);
                return Optional.of(new PeerInfo(peer, known.isEmpty() ? List.of(conn.remoteAddress()) : known));
            }
        }
        return lookupPeer(peer, timeout);
    }

    /**
     * Looks {@code peer} up in the network even when connected to it: the lookup {@link #findPeer} falls back on.
     * Ends as soon as an answer carries the peer with an address. Blocking.
     */
    public Optional<PeerInfo> lookupPeer(PeerId peer, Duration timeout) throws IOException, InterruptedException {
        requireStarted();
        FindPeerQuery q = new FindPeerQuery(peer, timeout);
        run(q);
        return q.await(timeout);
    }

    /** The {@code k} peers closest to {@code key} that answered a lookup, closest first. Blocking. */
    public List<PeerInfo> getClosestPeers(byte[] key) throws IOException, InterruptedException {
        return getClosestPeers(key, config.queryTimeout());
    }

    public List<PeerInfo> getClosestPeers(byte[] key, Duration timeout) throws IOException, InterruptedException {
        requireStarted();
        Query q = new Query(QueryKind.CLOSEST_PEERS, Type.FIND_NODE, key.clone(), timeout);
        run(q);
        return q.awaitClosest(timeout);
    }

    /**
     * Stores {@code value} under {@code key} locally and on the {@code k} peers closest to the key. Blocking.
     *
     * @return how many remote peers accepted it
     * @throws InvalidRecordException if the validator refuses the record
     */
    public int putValue(byte[] key, byte[] value) throws IOException, InterruptedException {
        return putValue(key, value, config.queryTimeout());
    }

    public int putValue(byte[] key, byte[] value, Duration timeout) throws IOException, InterruptedException {
        BehaviourContext c = requireStarted();
        byte[] k = key.clone();
        byte[] v = value.clone();
        Instant now = c.scheduler().now();
        validator.validate(k, v, now);
        c.call(() -> records.put(k, v, now));
        List<PeerInfo> closest = getClosestPeers(k, timeout);
        KadMessage put = new KadMessage(Type.PUT_VALUE, k, Optional.of(new KadMessage.Record(k, v, "")), List.of(),
                List.of());
        return sendToAll(closest, put, true, timeout);
    }

    /**
     * The best value stored under {@code key}, once {@link KademliaConfig#quorum()} peers (the local store counting
     * as one) have answered or the lookup has run out of peers. Peers that had an older value, or none while being
     * among the closest, are sent the best one. Blocking.
     */
    public Optional<byte[]> getValue(byte[] key) throws IOException, InterruptedException {
        return getValue(key, config.queryTimeout());
    }

    public Optional<byte[]> getValue(byte[] key, Duration timeout) throws IOException, InterruptedException {
        byte[][] best = new byte[1][];
        searchValue(key, config.quorum(), timeout, v -> best[0] = v);
        return Optional.ofNullable(best[0]);
    }

    /**
     * Looks up {@code key} and calls {@code each} with every value better than the ones before it, as they arrive
     * (on the calling thread), until {@code quorum} answers agree on the best or the lookup ends. Blocking.
     */
    public void searchValue(byte[] key, int quorum, Duration timeout, Consumer<byte[]> each)
            throws IOException, InterruptedException {
        requireStarted();
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be positive");
        }
        ValueQuery q = new ValueQuery(key.clone(), quorum, timeout);
        run(q);
        q.stream(timeout, each);
    }

    /**
     * Announces this node as a provider of {@code key} (a multihash): to itself and to the {@code k} peers closest to
     * the key, again every {@link KademliaConfig#providerRepublishInterval()}. Blocking.
     *
     * @return how many remote peers were sent the record
     */
    public int provide(byte[] key) throws IOException, InterruptedException {
        return provide(key, config.queryTimeout());
    }

    public int provide(byte[] key, Duration timeout) throws IOException, InterruptedException {
        BehaviourContext c = requireStarted();
        byte[] k = key.clone();
        c.call(() -> {
            provided.add(new Key(k));
            providers.add(k, c.localPeer(), advertised(c), c.scheduler().now());
            return null;
        });
        return announce(k, timeout);
    }

    private int announce(byte[] key, Duration timeout) throws IOException, InterruptedException {
        BehaviourContext c = requireStarted();
        List<PeerInfo> closest = getClosestPeers(key, timeout);
        KadMessage add = new KadMessage(Type.ADD_PROVIDER, key, Optional.empty(), List.of(),
                List.of(new PeerInfo(c.localPeer(), advertised(c))));
        return sendToAll(closest, add, false, timeout);
    }

    /** Stops republishing {@code key} (records already stored expire on their own). */
    public void stopProviding(byte[] key) throws InterruptedException {
        BehaviourContext c = requireStarted();
        Key k = new Key(key.clone());
        c.call(() -> provided.remove(k));
    }

    /** Up to {@code count} providers of {@code key}, local ones first. Blocking. */
    public List<PeerInfo> findProviders(byte[] key, int count) throws IOException, InterruptedException {
        List<PeerInfo> out = new ArrayList<>();
        findProviders(key, count, config.queryTimeout(), out::add);
        return out;
    }

    /**
     * Streams up to {@code count} providers of {@code key} to {@code each} as they are found (on the calling
     * thread), each once. Blocking until {@code count} are found, the lookup ends, or {@code timeout}.
     */
    public void findProviders(byte[] key, int count, Duration timeout, Consumer<PeerInfo> each)
            throws IOException, InterruptedException {
        requireStarted();
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive");
        }
        ProvidersQuery q = new ProvidersQuery(key.clone(), count, timeout);
        run(q);
        q.stream(timeout, each);
    }

    /**
     * The public key of {@code peer}: inlined in its id, known to the peerstore, or else a {@code /pk/} record found
     * in the DHT (checked against the id). Blocking.
     */
    public Optional<PublicKey> getPublicKey(PeerId peer) throws IOException, InterruptedException {
        BehaviourContext c = requireStarted();
        Optional<PublicKey> known = peer.extractPublicKey().or(() -> c.peerstore().publicKey(peer));
        if (known.isPresent()) {
            return known;
        }
        byte[] key = pkKey(peer);
        Optional<byte[]> value = getValue(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        PublicKey pk = Keys.unmarshalPublicKey(value.get());
        if (!PeerId.fromPublicKey(pk).equals(peer)) {
            throw new InvalidRecordException("the /pk/ record found is not the key of " + peer);
        }
        return Optional.of(pk);
    }

    /** The key of {@code peer}'s public-key record: "/pk/" and the peer id's bytes. */
    public static byte[] pkKey(PeerId peer) {
        byte[] prefix = "/pk/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] id = peer.bytes();
        byte[] out = Arrays.copyOf(prefix, prefix.length + id.length);
        System.arraycopy(id, 0, out, prefix.length, id.length);
        return out;
    }

    /** The peers of the routing table with their addresses. */
    public List<PeerInfo> routingTable() throws InterruptedException {
        BehaviourContext c = requireStarted();
        return c.call(() -> table.entries().stream().map(e -> new PeerInfo(e.peer(), e.addresses())).toList());
    }

    /** The requests this node served, by type and outcome (server mode only; a client serves none). */
    public ServedRequests served() {
        return served;
    }

    /** Peers in the routing table. */
    public int routingTableSize() throws InterruptedException {
        return requireStarted().call(() -> table.size());
    }

    private BehaviourContext requireStarted() {
        BehaviourContext c = context;
        if (c == null) {
            throw new IllegalStateException("the DHT is not started: add it to a swarm first");
        }
        return c;
    }

    private List<Multiaddr> advertised(BehaviourContext c) {
        List<Multiaddr> out = new ArrayList<>(c.externalAddresses());
        for (Multiaddr a : c.listenAddresses()) {
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return addressFilter.filter(out);
    }

    /** Sends {@code message} to every peer in parallel; returns how many succeeded. Blocking. */
    private int sendToAll(List<PeerInfo> peers, KadMessage message, boolean expectAnswer, Duration timeout)
            throws InterruptedException {
        BehaviourContext c = requireStarted();
        AtomicInteger ok = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (PeerInfo p : peers) {
            c.peerstore().addAddresses(p.peer(), p.addresses());
            threads.add(Thread.ofVirtual().name("kad-" + message.type()).start(() -> {
                try {
                    Optional<KadMessage> answer = sender.send(p.peer(), message, expectAnswer);
                    if (!expectAnswer || answer.isPresent()) {
                        ok.incrementAndGet();
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "{0} to {1} failed: {2}", message.type(), p.peer(), e.getMessage());
                }
            }));
        }
        long end = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = end - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                t.interrupt();
            }
        }
        return ok.get();
    }

    private void republishProviders() {
        List<byte[]> keys = provided.stream().map(Key::bytes).toList();
        Instant now = context.scheduler().now();
        for (byte[] k : keys) {
            providers.add(k, context.localPeer(), advertised(context), now);
        }
        if (keys.isEmpty()) {
            return;
        }
        context.spawn("kad-republish", () -> {
            for (byte[] k : keys) {
                try {
                    announce(k, config.queryTimeout());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------ serving

    private void serve(HandlerContext hc, Stream stream) throws IOException {
        PeerId from = hc.remotePeer();
        stream.setReadTimeout(config.streamIdleTimeout());
        for (int i = 0; i < MAX_REQUESTS_PER_STREAM; i++) {
            Optional<KadMessage> request;
            try {
                request = codec.read(stream.input());
            } catch (KadProtocolException | org.jlibp2p.core.io.FrameTooLargeException e) {
                served.record(ServedRequests.UNKNOWN, ServedRequests.Outcome.MALFORMED);
                throw e;
            }
            if (request.isEmpty()) {
                return;
            }
            CompletableFuture<Optional<KadMessage>> answer = new CompletableFuture<>();
            KadMessage req = request.get();
            hc.toBehaviour(() -> {
                try {
                    answer.complete(answer(from, req));
                } catch (IOException e) {
                    answer.completeExceptionally(e);
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
            Optional<KadMessage> response;
            try {
                response = answer.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while answering");
            } catch (TimeoutException e) {
                throw new InterruptedIOException("the node did not answer in time (closing?)");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    served.record(req.type().name(), ServedRequests.Outcome.REFUSED);
                    throw io; // a bad request: the stream is reset, the peer learns nothing more
                }
                throw new IOException("answering failed", e.getCause());
            }
            served.record(req.type().name(), ServedRequests.Outcome.ANSWERED);
            if (response.isPresent()) {
                codec.write(stream.output(), response.get());
            }
        }
    }

    /** The answer to one request, on the behaviour's thread; empty for ADD_PROVIDER, which has none. */
    private Optional<KadMessage> answer(PeerId from, KadMessage req) throws IOException {
        return server.answer(from, req, context.scheduler().now());
    }

    private Optional<KadMessage.Record> localRecord(byte[] key, Instant now) {
        return server.localRecord(key, now);
    }

    /** What the server needs of this node: its addresses, the peerstore, its connections. */
    private final class NodeHost implements KadServer.Host {
        @Override
        public PeerId localPeer() {
            return context.localPeer();
        }

        @Override
        public List<Multiaddr> advertised() {
            return KademliaBehaviour.this.advertised(context);
        }

        @Override
        public List<Multiaddr> knownAddresses(PeerId peer) {
            return context.peerstore().addresses(peer);
        }

        @Override
        public Optional<PublicKey> publicKey(PeerId peer) {
            return peer.equals(context.localPeer()) ? Optional.of(context.identity().publicKey())
                    : context.peerstore().publicKey(peer);
        }

        @Override
        public boolean isConnected(PeerId peer) {
            for (Connection c : context.connections()) {
                if (c.remotePeer().equals(peer)) {
                    return true;
                }
            }
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ queries

    private void run(Query q) throws InterruptedException {
        context.execute(() -> startQuery(q));
    }

    private void startQuery(Query q) {
        q.id = nextQueryId++;
        q.startedAt = context.scheduler().nanoTime();
        q.driver = new LookupDriver(context.localPeer(), KadKey.of(q.key), table, config.k(), config.alpha(),
                config.disjointPaths(), config.requestTimeout().toNanos(), MAX_PEERS_PER_QUERY, addressFilter,
                q.startedAt + q.timeout.toNanos());
        q.iter = q.driver.lookup();
        queries.put(q.id, q);
        q.started();
        drive(q);
    }

    private void drive(Query q) {
        while (!q.done) {
            long now = context.scheduler().nanoTime();
            switch (q.driver.step(now)) {
                case LookupDriver.Step.Send s -> request(q, s.peer(), s.addresses());
                case LookupDriver.Step.WakeAt w -> {
                    q.tick.cancel();
                    q.tick = context.schedule(Duration.ofNanos(Math.max(0, w.at() - now)), () -> {
                        q.driver.wokeUp();
                        drive(q);
                    });
                    return;
                }
                case LookupDriver.Step.Idle i -> {
                    return;
                }
                case LookupDriver.Step.Finished f -> {
                    finish(q);
                    return;
                }
            }
        }
    }

    private void request(Query q, PeerId peer, List<Multiaddr> addrs) {
        if (!addrs.isEmpty()) {
            context.peerstore().addAddresses(peer, addrs);
        }
        KadMessage message = KadMessage.request(q.type, q.key);
        RequestSender s = sender;
        BehaviourContext c = context;
        c.spawn("kad-" + q.type, () -> {
            Runnable outcome;
            try {
                KadMessage answer = s.send(peer, message, true).orElseThrow();
                outcome = () -> onAnswer(q, peer, answer);
            } catch (IOException e) {
                outcome = () -> onFailure(q, peer, e);
            } catch (IllegalStateException closing) {
                return; // the node is closing
            }
            try {
                c.execute(outcome);
            } catch (IllegalStateException closed) {
                // the node is closing: nobody waits for this answer any more
            }
        });
    }

    private void onFailure(Query q, PeerId peer, IOException e) {
        LOG.log(Level.TRACE, "{0} to {1} failed: {2}", q.type, peer, e.getMessage());
        if (!(e instanceof KadProtocolException)) {
            // It did not answer at all: it leaves the table, and a replacement takes its place.
            removeFromTable(peer);
        }
        if (q.driver.onFailure(peer)) {
            drive(q);
        }
    }

    private void onAnswer(Query q, PeerId peer, KadMessage answer) {
        List<Multiaddr> used = q.driver.addressesOf(peer, context.peerstore().addresses(peer));
        addToTable(peer, addressFilter.filter(used));
        if (q.done || !q.driver.absorb(peer, answer.closerPeers())) {
            return;
        }
        q.answered(peer, answer);
        drive(q);
    }

    private void finish(Query q) {
        if (q.done) {
            return;
        }
        q.done = true;
        q.tick.cancel();
        queries.remove(q.id);
        q.completed();
        q.finished();
        QueryStats stats = new QueryStats(q.kind, q.target(), q.iter.requests(), q.iter.successes(),
                q.iter.failures(), q.hops(), q.found(),
                Duration.ofNanos(context.scheduler().nanoTime() - q.startedAt));
        context.emit(new KademliaEvent.QueryFinished(stats));
    }

    /** A key usable in sets. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /**
     * One lookup. Its fields belong to the behaviour's thread; the caller waits on {@link #results}, which the
     * behaviour's thread fills.
     */
    private class Query {
        final QueryKind kind;
        final Type type;
        final byte[] key;
        final Duration timeout;
        final java.util.concurrent.BlockingQueue<Object> results = new java.util.concurrent.LinkedBlockingQueue<>();
        long id;
        long startedAt;
        LookupDriver driver;
        PeerLookup iter;
        boolean done;
        Cancellable tick = Cancellable.NONE;

        /** What ends the result stream. */
        static final Object END = new Object();

        Query(QueryKind kind, Type type, byte[] key, Duration timeout) {
            this.kind = kind;
            this.type = type;
            this.key = key;
            this.timeout = timeout;
        }

        void started() {}

        /** An answer arrived (after the lookup took its closer peers). */
        void answered(PeerId peer, KadMessage answer) {}

        /** The lookup ended: push the final results. */
        void completed() {
            List<PeerInfo> closest = new ArrayList<>();
            for (PeerId p : iter.closest()) {
                closest.add(new PeerInfo(p, driver.addressesOf(p, List.of())));
            }
            results.add(closest);
            results.add(END);
        }

        /** After completion, for internal follow-ups. */
        void finished() {}

        void fail(IOException e) {
            results.add(e);
            results.add(END);
        }

        Optional<PeerId> target() {
            return Optional.empty();
        }

        int hops() {
            int max = 0;
            for (PeerId p : iter.closest()) {
                max = Math.max(max, iter.hopsTo(p).orElse(0));
            }
            return max;
        }

        boolean found() {
            return iter.successes() > 0;
        }

        /** Takes the next item, or null when the time is up. */
        Object next(long end) throws InterruptedException {
            long left = end - System.nanoTime();
            return left <= 0 ? null : results.poll(left, TimeUnit.NANOSECONDS);
        }

        /** Real time to wait: the query's own timeout on the node's clock, plus a margin for the last answers. */
        long endOf(Duration t) {
            return System.nanoTime() + t.toNanos() + config.requestTimeout().toNanos();
        }

        @SuppressWarnings("unchecked")
        List<PeerInfo> awaitClosest(Duration t) throws IOException, InterruptedException {
            long end = endOf(t);
            while (true) {
                Object o = next(end);
                if (o == null) {
                    cancel();
                    return List.of();
                }
                if (o instanceof IOException e) {
                    throw e;
                }
                if (o instanceof List<?> l) {
                    return (List<PeerInfo>) l;
                }
                if (o == END) {
                    return List.of();
                }
            }
        }

        void cancel() throws InterruptedException {
            context.execute(() -> {
                if (!done) {
                    iter.finish();
                    finish(this);
                }
            });
        }
    }

    /** FIND_NODE for a peer id, ending as soon as an answer carries the peer with addresses. */
    private final class FindPeerQuery extends Query {
        private final PeerId target;
        private PeerInfo found;
        private int foundAtHop;

        FindPeerQuery(PeerId target, Duration timeout) {
            super(QueryKind.FIND_PEER, Type.FIND_NODE, target.bytes(), timeout);
            this.target = target;
        }

        @Override
        void answered(PeerId peer, KadMessage answer) {
            if (found != null) {
                return;
            }
            for (PeerInfo p : answer.closerPeers()) {
                if (p.peer().equals(target) && !addressFilter.filter(p.addresses()).isEmpty()) {
                    found = new PeerInfo(target, addressFilter.filter(p.addresses()));
                    foundAtHop = iter.hopsTo(peer).orElse(0);
                    iter.finish();
                    return;
                }
            }
        }

        @Override
        void completed() {
            if (found != null) {
                results.add(found);
            }
            results.add(END);
        }

        @Override
        Optional<PeerId> target() {
            return Optional.of(target);
        }

        @Override
        int hops() {
            return found != null ? foundAtHop : super.hops();
        }

        @Override
        boolean found() {
            return found != null;
        }

        Optional<PeerInfo> await(Duration t) throws IOException, InterruptedException {
            long end = endOf(t);
            Optional<PeerInfo> result = Optional.empty();
            while (true) {
                Object o = next(end);
                if (o == null) {
                    cancel();
                    return result;
                }
                if (o instanceof IOException e) {
                    throw e;
                }
                if (o instanceof PeerInfo p) {
                    result = Optional.of(p);
                }
                if (o == END) {
                    return result;
                }
            }
        }
    }

    /** Streams items (values, providers) to the caller until the lookup ends. */
    private abstract class StreamingQuery<T> extends Query {
        StreamingQuery(QueryKind kind, Type type, byte[] key, Duration timeout) {
            super(kind, type, key, timeout);
        }

        @Override
        void completed() {
            results.add(END);
        }

        @SuppressWarnings("unchecked")
        void stream(Duration t, Consumer<T> each) throws IOException, InterruptedException {
            long end = endOf(t);
            while (true) {
                Object o = next(end);
                if (o == null) {
                    cancel();
                    return;
                }
                if (o instanceof IOException e) {
                    throw e;
                }
                if (o == END) {
                    return;
                }
                each.accept((T) o);
            }
        }
    }

    /** GET_VALUE with a quorum, and correction of stale peers at the end. */
    private final class ValueQuery extends StreamingQuery<byte[]> {
        private final int quorum;
        private byte[] best;
        private final Set<PeerId> bestPeers = new HashSet<>();
        private final Set<PeerId> outdated = new HashSet<>();
        private final Set<PeerId> answeredWithout = new HashSet<>();
        private int count;
        private int foundAtHop;

        ValueQuery(byte[] key, int quorum, Duration timeout) {
            super(QueryKind.GET_VALUE, Type.GET_VALUE, key, timeout);
            this.quorum = quorum;
        }

        @Override
        void started() {
            Optional<KadMessage.Record> local = localRecord(key, context.scheduler().now());
            if (local.isPresent()) {
                try {
                    validator.validate(key, local.get().value(), context.scheduler().now());
                    best = local.get().value();
                    count = 1;
                    results.add(best);
                    if (count >= quorum) {
                        iter.finish();
                    }
                } catch (InvalidRecordException e) {
                    // an expired record of our own: look in the network
                }
            }
        }

        @Override
        void answered(PeerId peer, KadMessage answer) {
            if (answer.record().isEmpty()) {
                answeredWithout.add(peer);
                return;
            }
            KadMessage.Record r = answer.record().get();
            Instant now = context.scheduler().now();
            try {
                if (!Arrays.equals(r.key(), key)) {
                    throw new InvalidRecordException("the record's key is not the one asked for");
                }
                validator.validate(key, r.value(), now);
            } catch (InvalidRecordException e) {
                LOG.log(Level.DEBUG, "{0} answered an invalid record: {1}", peer, e.getMessage());
                return;
            }
            count++;
            if (best == null) {
                best = r.value();
                bestPeers.add(peer);
                foundAtHop = iter.hopsTo(peer).orElse(0);
                results.add(best);
            } else if (Arrays.equals(best, r.value())) {
                bestPeers.add(peer);
            } else {
                int chosen;
                try {
                    chosen = validator.select(key, List.of(best, r.value()), now);
                } catch (InvalidRecordException e) {
                    chosen = 0;
                }
                if (chosen == 1) {
                    outdated.addAll(bestPeers);
                    bestPeers.clear();
                    bestPeers.add(peer);
                    best = r.value();
                    foundAtHop = iter.hopsTo(peer).orElse(0);
                    results.add(best);
                } else {
                    outdated.add(peer);
                }
            }
            if (count >= quorum) {
                iter.finish();
            }
        }

        @Override
        void finished() {
            if (best == null) {
                return;
            }
            Set<PeerId> fix = new HashSet<>(outdated);
            for (PeerId p : iter.closest()) {
                if (answeredWithout.contains(p)) {
                    fix.add(p);
                }
            }
            if (fix.isEmpty()) {
                return;
            }
            KadMessage put = new KadMessage(Type.PUT_VALUE, key, Optional.of(new KadMessage.Record(key, best, "")),
                    List.of(), List.of());
            RequestSender s = sender;
            for (PeerId p : fix) {
                context.spawn("kad-correct", () -> s.send(p, put, true));
            }
        }

        @Override
        int hops() {
            return best != null ? foundAtHop : super.hops();
        }

        @Override
        boolean found() {
            return best != null;
        }
    }

    /** GET_PROVIDERS, streaming each new provider, ending at {@code count}. */
    private final class ProvidersQuery extends StreamingQuery<PeerInfo> {
        private final int count;
        private final Set<PeerId> seen = new HashSet<>();
        private int foundAtHop;

        ProvidersQuery(byte[] key, int count, Duration timeout) {
            super(QueryKind.GET_PROVIDERS, Type.GET_PROVIDERS, key, timeout);
            this.count = count;
        }

        @Override
        void started() {
            for (ProviderRecord pr : providers.get(key, context.scheduler().now())) {
                offer(new PeerInfo(pr.provider(), pr.addresses()), 0);
            }
        }

        private void offer(PeerInfo p, int hop) {
            if (seen.size() >= count || !seen.add(p.peer())) {
                return;
            }
            if (seen.size() == 1) {
                foundAtHop = hop;
            }
            if (!p.addresses().isEmpty() && !p.peer().equals(context.localPeer())) {
                context.peerstore().addAddresses(p.peer(), p.addresses());
            }
            results.add(p);
            if (seen.size() >= count) {
                iter.finish();
            }
        }

        @Override
        void answered(PeerId peer, KadMessage answer) {
            for (PeerInfo p : answer.providerPeers()) {
                offer(new PeerInfo(p.peer(), addressFilter.filter(p.addresses())), iter.hopsTo(peer).orElse(0));
            }
        }

        @Override
        int hops() {
            return seen.isEmpty() ? super.hops() : foundAtHop;
        }

        @Override
        boolean found() {
            return !seen.isEmpty();
        }
    }
}
