package org.jlibp2p.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.kademlia.KadProtocolException;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.KademliaConfig;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.kademlia.internal.AddressFilter;
import org.jlibp2p.kademlia.internal.ClosestPeersQuery;
import org.jlibp2p.kademlia.internal.DisjointPeersQuery;
import org.jlibp2p.kademlia.internal.KadCodec;
import org.jlibp2p.kademlia.internal.KadKey;
import org.jlibp2p.kademlia.internal.KadMessage;
import org.jlibp2p.kademlia.internal.KadMessage.Type;
import org.jlibp2p.kademlia.internal.KadServer;
import org.jlibp2p.kademlia.internal.LookupDriver;
import org.jlibp2p.kademlia.internal.PeerLookup;
import org.jlibp2p.kademlia.internal.RoutingTable;
import org.jlibp2p.kademlia.record.NamespacedValidator;
import org.jlibp2p.kademlia.record.ProviderStore;
import org.jlibp2p.kademlia.record.RecordStore;
import org.jlibp2p.kademlia.record.Validator;

/**
 * The DHT scenario: every node runs the project's Kademlia code without I/O (its {@link RoutingTable},
 * {@link KadServer} answering requests with the record and provider stores and the validators, lookups as
 * {@link ClosestPeersQuery} or {@link DisjointPeersQuery}), and every request and answer crosses the simulated network
 * encoded by {@link KadCodec} and decoded at the other end.
 *
 * <p>Phases: nodes join one after another through the entry nodes (each adds them, looks itself up and looks up
 * {@code bootstrap_random_lookups} random keys); then {@code puts} nodes store their {@code /pk/} record and
 * {@code provides} nodes announce a key; then {@code lookups} FIND_NODE lookups of random live peers, {@code gets}
 * GET_VALUE and {@code find_providers} GET_PROVIDERS lookups run from random live nodes, spread over
 * {@code lookup_duration_s}, while churners (a fraction {@code churn} of the nodes other than the entry nodes) leave
 * and come back after session and absence lengths drawn from exponential distributions
 * ({@code session_mean_s}, {@code offline_mean_s}). A node that comes back has lost its table and stores and joins
 * again. Colluders (a fraction {@code colluders}) answer every request with the colluders closest to the key and
 * store nothing: an eclipse attempt; honest lookups may follow {@code disjoint_paths} paths.
 *
 * <p>A request to a node that is away fails after {@code dial_timeout_s} (the dial gives up) and the requester
 * drops it from its table, as the node does when a request fails at the connection. A node that receives a request
 * adds the requester to its table: identify runs on every new connection and tells it the requester serves the DHT.
 */
final class DhtSimulation {
    private static final int MAX_PEERS_PER_QUERY = 1000;

    private final Scenario sc;
    private final int n;
    private final EventLoop loop = new EventLoop();
    private final SplittableRandom random;
    private final Network net;
    private final KademliaConfig config;
    private final KadCodec codec;
    private final Validator validator = NamespacedValidator.defaults();
    private final AddressFilter addressFilter = new AddressFilter(true);
    private final Node[] nodes;
    private final Map<PeerId, Integer> index = new HashMap<>();
    private final List<Integer> colluders = new ArrayList<>();
    private final List<byte[]> eclipsed = new ArrayList<>();
    private final int entries;
    private final long dialTimeout;
    private final int randomLookups;

    // results
    private final Map<Type, long[]> traffic = new LinkedHashMap<>(); // per request type: messages, bytes
    private final Map<String, Op> ops = new LinkedHashMap<>();
    private final List<double[]> timeline = new ArrayList<>(); // time s, online share, success share of the window
    private int windowOk;
    private int windowAll;
    private long malformed;

    /** One simulated node: its identity, address, and the kademlia state it would hold. */
    private final class Node implements KadServer.Host {
        final int i;
        final PeerId id;
        final PublicKey publicKey;
        final List<Multiaddr> addrs;
        final boolean colluder;
        boolean online;
        int session;
        KadServer server;

        Node(int i, PeerId id, PublicKey publicKey, boolean colluder) {
            this.i = i;
            this.publicKey = publicKey;
            this.id = id;
            // Distinct public addresses, one /16 each for the first 65,536 nodes: the table's IP caps never bite.
            String ip = (11 + i % 200) + "." + ((i / 200) % 256) + "." + ((i / 51_200) % 256) + ".1";
            try {
                this.addrs = List.of(Multiaddr.parse("/ip4/" + ip + "/tcp/4001"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            this.colluder = colluder;
        }

        void reset() {
            RoutingTable table = new RoutingTable(id, config.k(), config.maxPeersPerIpGroupPerBucket(),
                    config.maxPeersPerIpGroupInTable());
            server = new KadServer(config.k(), config.maxPeersPerMessage(), validator, addressFilter, table,
                    new RecordStore(4096, 16L << 20, RecordStore.DEFAULT_EXPIRY),
                    new ProviderStore(ProviderStore.DEFAULT_MAX_PER_KEY, 16L << 20, ProviderStore.DEFAULT_EXPIRY),
                    this);
        }

        RoutingTable table() {
            return server.table();
        }

        @Override
        public PeerId localPeer() {
            return id;
        }

        @Override
        public List<Multiaddr> advertised() {
            return addrs;
        }

        @Override
        public List<Multiaddr> knownAddresses(PeerId peer) {
            return List.of(); // no peerstore beyond the table is modelled
        }

        @Override
        public Optional<PublicKey> publicKey(PeerId peer) {
            return peer.equals(id) ? Optional.ofNullable(publicKey) : Optional.empty();
        }

        @Override
        public boolean isConnected(PeerId peer) {
            return false;
        }
    }

    /** Counts of one kind of operation. */
    static final class Op {
        int started;
        int succeeded;
        final Stats hops = new Stats();
        final Stats latencyMs = new Stats();
        final Stats messages = new Stats();
        final Stats bytes = new Stats();
    }

    /** One lookup in progress, driven by the LookupDriver that KademliaBehaviour drives its lookups with. */
    private final class Lookup {
        final Node origin;
        final int session;
        final Type type;
        final byte[] key;
        final LookupDriver driver;
        final PeerLookup iter;
        final long startedAt;
        final Op op;
        final PeerId target;
        final Runnable then;
        boolean done;
        boolean found;
        int foundHop;
        Cancellable tick = Cancellable.NONE;
        int messages;
        long bytes;

        Lookup(Node origin, Type type, byte[] key, Op op, PeerId target, Runnable then) {
            this.origin = origin;
            this.session = origin.session;
            this.type = type;
            this.key = key;
            this.op = op;
            this.target = target;
            this.then = then;
            startedAt = loop.nanoTime();
            driver = new LookupDriver(origin.id, KadKey.of(key), origin.table(), config.k(), config.alpha(),
                    origin.colluder ? 1 : config.disjointPaths(), config.requestTimeout().toNanos(),
                    MAX_PEERS_PER_QUERY, addressFilter, startedAt + config.queryTimeout().toNanos());
            iter = driver.lookup();
            if (op != null) {
                op.started++;
            }
        }

        boolean alive() {
            return origin.online && origin.session == session;
        }

        void drive() {
            while (!done) {
                if (!alive()) {
                    done = true;
                    tick.cancel();
                    return;
                }
                long now = loop.nanoTime();
                switch (driver.step(now)) {
                    case LookupDriver.Step.Send s -> request(this, s.peer());
                    case LookupDriver.Step.WakeAt w -> {
                        tick.cancel();
                        tick = loop.at(w.at(), () -> {
                            driver.wokeUp();
                            drive();
                        });
                        return;
                    }
                    case LookupDriver.Step.Idle i -> {
                        return;
                    }
                    case LookupDriver.Step.Finished f -> {
                        finish();
                        return;
                    }
                }
            }
        }

        void onAnswer(PeerId peer, KadMessage answer) {
            List<Multiaddr> used = driver.addressesOf(peer, List.of());
            origin.table().add(peer, addressFilter.filter(used), loop.nanoTime());
            if (done || !driver.absorb(peer, answer.closerPeers())) {
                return;
            }
            answered(peer, answer);
            drive();
        }

        void onFailure(PeerId peer) {
            origin.table().remove(peer);
            if (!done && driver.onFailure(peer)) {
                drive();
            }
        }

        /** What ends a lookup early: the target peer, a valid record, a provider. */
        void answered(PeerId peer, KadMessage answer) {
            if (found) {
                return;
            }
            boolean hit = switch (type) {
                case FIND_NODE -> target != null
                        && answer.closerPeers().stream().anyMatch(p -> p.peer().equals(target));
                case GET_VALUE -> answer.record().isPresent() && validRecord(answer.record().get());
                case GET_PROVIDERS -> !answer.providerPeers().isEmpty();
                default -> false;
            };
            if (hit) {
                found = true;
                foundHop = iter.hopsTo(peer).orElse(0);
                iter.finish();
            }
        }

        boolean validRecord(KadMessage.Record r) {
            try {
                if (!Arrays.equals(r.key(), key)) {
                    return false;
                }
                validator.validate(key, r.value(), loop.now());
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        void finish() {
            if (done) {
                return;
            }
            done = true;
            tick.cancel();
            if (op != null) {
                boolean ok = target == null && type == Type.FIND_NODE ? iter.successes() > 0 : found;
                if (ok) {
                    op.succeeded++;
                    op.hops.add(found ? foundHop : hopsOfClosest());
                    op.latencyMs.add((loop.nanoTime() - startedAt) / 1e6);
                }
                op.messages.add(messages);
                op.bytes.add(bytes);
                if (op == ops.get("find_node")) {
                    windowAll++;
                    windowOk += ok ? 1 : 0;
                }
            }
            if (then != null) {
                then.run();
            }
        }

        int hopsOfClosest() {
            int max = 0;
            for (PeerId p : iter.closest()) {
                max = Math.max(max, iter.hopsTo(p).orElse(0));
            }
            return max;
        }
    }

    DhtSimulation(Scenario sc) {
        this.sc = sc;
        this.n = sc.nodes();
        this.random = new SplittableRandom(sc.seed());
        KademliaConfig c = KademliaConfig.defaults();
        this.config = new KademliaConfig(c.protocolId(), c.mode(), sc.integer("k", c.k()),
                sc.integer("alpha", c.alpha()),
                java.time.Duration.ofMillis((long) (sc.num("request_timeout_s", 10) * 1000)),
                java.time.Duration.ofMillis((long) (sc.num("query_timeout_s", 60) * 1000)), 1, c.maxMessageSize(),
                c.maxPeersPerMessage(), c.maxAddressesPerPeer(), c.refreshInterval(), c.streamIdleTimeout(),
                c.providerRepublishInterval(), c.maxPeersPerIpGroupPerBucket(), c.maxPeersPerIpGroupInTable(), true,
                sc.integer("disjoint_paths", 1));
        this.codec = new KadCodec(config.maxMessageSize(), config.maxPeersPerMessage(), config.maxAddressesPerPeer());
        this.net = new Network(n, sc.regions(), sc.bandwidth(), sc.num("loss", 0), random.split());
        this.entries = Math.min(n, sc.integer("entry_nodes", 5));
        this.dialTimeout = EventLoop.seconds(sc.num("dial_timeout_s", 5));
        this.randomLookups = sc.integer("bootstrap_random_lookups", 1);
        this.nodes = new Node[n];
        SplittableRandom keys = random.split();
        int victimCount = sc.integer("eclipse_victims", 0);
        int sybilsPerVictim = sc.integer("sybils_per_victim", config.k());
        int sybils = victimCount * sybilsPerVictim;
        int colluding = (int) Math.round(sc.num("colluders", 0) * n) + sybils;
        if (colluding + entries > n) {
            throw new IllegalArgumentException("more colluders than nodes");
        }
        int honest = n - colluding;
        for (int i = 0; i < n - sybils; i++) {
            byte[] seed = new byte[32];
            keys.nextBytes(seed);
            KeyPair key = Keys.ed25519FromSeed(seed);
            // Colluders are the last nodes: never entry nodes.
            nodes[i] = new Node(i, PeerId.fromPublicKey(key.publicKey()), key.publicKey(), i >= honest);
        }
        // Eclipse of content: for each eclipsed key, Sybil ids ground to share sybil_prefix_bits leading bits with it.
        int prefix = sc.integer("sybil_prefix_bits", (int) Math.ceil(Math.log(n) / Math.log(2)) + 2);
        for (int v = 0; v < victimCount; v++) {
            byte[] key = randomPeerKey(keys);
            eclipsed.add(key);
            KadKey target = KadKey.of(key);
            for (int s = 0; s < sybilsPerVictim; s++) {
                int i = n - sybils + v * sybilsPerVictim + s;
                nodes[i] = new Node(i, groundId(keys, target, prefix), null, true);
            }
        }
        for (Node node : nodes) {
            if (index.put(node.id, node.i) != null) {
                throw new IllegalStateException("two nodes with one id");
            }
            if (node.colluder) {
                colluders.add(node.i);
            }
        }
        for (String op : List.of("find_node", "put", "get", "provide", "find_providers", "find_providers_eclipsed",
                "bootstrap")) {
            ops.put(op, new Op());
        }
    }

    /** A sha2-256 peer id (the shape of an RSA peer's) whose key shares {@code bits} leading bits with {@code t}. */
    private static PeerId groundId(SplittableRandom rnd, KadKey t, int bits) {
        byte[] id = new byte[34];
        id[0] = 0x12;
        id[1] = 0x20;
        byte[] h = new byte[32];
        for (long tries = 0; tries < (1L << 26); tries++) {
            rnd.nextBytes(h);
            System.arraycopy(h, 0, id, 2, 32);
            if (t.commonPrefixLength(KadKey.of(id)) >= bits) {
                try {
                    return PeerId.fromBytes(id);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("no id found with " + bits + " bits in common");
    }

    // ------------------------------------------------------------------------------------------ the network

    private void request(Lookup q, PeerId peer) {
        Integer to = index.get(peer);
        KadMessage req = KadMessage.request(q.type, q.key);
        if (to == null) {
            loop.after(dialTimeout, () -> q.onFailure(peer));
            return;
        }
        send(q.origin, nodes[to], req, q, (answer) -> q.onAnswer(peer, answer), () -> q.onFailure(peer));
    }

    /**
     * Sends {@code req} from {@code a} to {@code b} and, when it expects an answer, hands the decoded answer to
     * {@code onAnswer}; {@code onFailure} runs when {@code b} is away. Lost messages get neither: the lookup's own
     * timeout deals with them.
     */
    private void send(Node a, Node b, KadMessage req, Lookup q, java.util.function.Consumer<KadMessage> onAnswer,
            Runnable onFailure) {
        byte[] frame = KadCodec.encode(req);
        count(req.type(), frame.length, q);
        int session = a.session;
        if (!b.online) {
            loop.after(dialTimeout, () -> {
                if (a.online && a.session == session) {
                    onFailure.run();
                }
            });
            return;
        }
        int bSession = b.session;
        net.transmit(loop, a.i, b.i, frame.length, () -> {
            if (!b.online || b.session != bSession) {
                if (a.online && a.session == session) {
                    loop.after(dialTimeout, onFailure);
                }
                return;
            }
            Optional<KadMessage> answer = serve(b, a, frame);
            if (answer.isEmpty()) {
                return;
            }
            byte[] back = KadCodec.encode(answer.get());
            count(req.type(), back.length, q);
            net.transmit(loop, b.i, a.i, back.length, () -> {
                if (!a.online || a.session != session) {
                    return;
                }
                try {
                    onAnswer.accept(codec.decode(back));
                } catch (KadProtocolException e) {
                    malformed++;
                    onFailure.run();
                }
            });
        });
    }

    /** {@code b} answers a request from {@code a}: a colluder with colluders, an honest node through KadServer. */
    private Optional<KadMessage> serve(Node b, Node a, byte[] frame) {
        KadMessage req;
        try {
            req = codec.decode(frame);
        } catch (KadProtocolException e) {
            malformed++;
            return Optional.empty();
        }
        // Identify on the new connection tells b that a serves the DHT.
        b.table().add(a.id, a.addrs, loop.nanoTime());
        if (b.colluder) {
            List<PeerInfo> sybils = closestColluders(req.key(), config.k());
            return req.type() == Type.ADD_PROVIDER ? Optional.empty()
                    : Optional.of(new KadMessage(req.type(), req.key(), Optional.empty(), sybils, List.of()));
        }
        try {
            return b.server.answer(a.id, req, loop.now());
        } catch (IOException e) {
            malformed++;
            return Optional.empty();
        }
    }

    private List<PeerInfo> closestColluders(byte[] key, int count) {
        KadKey k = KadKey.of(key);
        List<Node> sorted = new ArrayList<>();
        for (int c : colluders) {
            sorted.add(nodes[c]);
        }
        sorted.sort((x, y) -> k.compareDistance(KadKey.of(x.id), KadKey.of(y.id)));
        List<PeerInfo> out = new ArrayList<>();
        for (Node x : sorted.subList(0, Math.min(count, sorted.size()))) {
            out.add(new PeerInfo(x.id, x.addrs));
        }
        return out;
    }

    private void count(Type type, int bytes, Lookup q) {
        long[] t = traffic.computeIfAbsent(type, x -> new long[2]);
        t[0]++;
        t[1] += bytes;
        if (q != null) {
            q.messages++;
            q.bytes += bytes;
        }
    }

    // ------------------------------------------------------------------------------------------ node life

    private void join(Node node) {
        node.online = true;
        node.session++;
        node.reset();
        net.reset(node.i, loop.nanoTime());
        for (int e = 0; e < entries; e++) {
            if (e != node.i && nodes[e].online) {
                node.table().add(nodes[e].id, nodes[e].addrs, loop.nanoTime());
                nodes[e].table().add(node.id, node.addrs, loop.nanoTime());
            }
        }
        Op boot = ops.get("bootstrap");
        new Lookup(node, Type.FIND_NODE, node.id.bytes(), boot, null, null).drive();
        for (int r = 0; r < randomLookups; r++) {
            new Lookup(node, Type.FIND_NODE, randomPeerKey(), null, null, null).drive();
        }
    }

    private byte[] randomPeerKey() {
        return randomPeerKey(random);
    }

    private static byte[] randomPeerKey(SplittableRandom random) {
        byte[] id = new byte[34];
        id[0] = 0x12;
        id[1] = 0x20;
        byte[] h = new byte[32];
        random.nextBytes(h);
        System.arraycopy(h, 0, id, 2, 32);
        return id;
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private void scheduleChurn(Node node, boolean leave, long end) {
        double mean = leave ? sc.num("session_mean_s", 120) : sc.num("offline_mean_s", 120);
        long at = loop.nanoTime() + EventLoop.seconds(exponential(mean));
        if (at >= end) {
            return;
        }
        loop.at(at, () -> {
            if (leave) {
                node.online = false;
                node.session++;
            } else {
                join(node);
            }
            scheduleChurn(node, !leave, end);
        });
    }

    private Node randomLive(boolean honest) {
        for (int tries = 0; tries < 10_000; tries++) {
            Node x = nodes[random.nextInt(n)];
            if (x.online && (!honest || !x.colluder)) {
                return x;
            }
        }
        throw new IllegalStateException("no live node found");
    }

    /** Stores {@code value} under {@code key} on the k closest peers a lookup finds (as putValue does). */
    private void put(Node origin, byte[] key, byte[] value) {
        Op op = ops.get("put");
        Lookup[] holder = new Lookup[1];
        holder[0] = new Lookup(origin, Type.FIND_NODE, key, op, null, () -> {
            KadMessage put = new KadMessage(Type.PUT_VALUE, key,
                    Optional.of(new KadMessage.Record(key, value, "")), List.of(), List.of());
            for (PeerId p : holder[0].iter.closest()) {
                Integer to = index.get(p);
                if (to != null) {
                    send(origin, nodes[to], put, null, a -> { }, () -> { });
                }
            }
        });
        origin.server.records().put(key, value, loop.now());
        holder[0].drive();
    }

    /** Announces {@code origin} as a provider of {@code key} to the k closest peers (as provide does). */
    private void provide(Node origin, byte[] key) {
        Op op = ops.get("provide");
        Lookup[] holder = new Lookup[1];
        holder[0] = new Lookup(origin, Type.FIND_NODE, key, op, null, () -> {
            KadMessage add = new KadMessage(Type.ADD_PROVIDER, key, Optional.empty(), List.of(),
                    List.of(new PeerInfo(origin.id, origin.addrs)));
            for (PeerId p : holder[0].iter.closest()) {
                Integer to = index.get(p);
                if (to != null) {
                    send(origin, nodes[to], add, null, a -> { }, () -> { });
                }
            }
        });
        origin.server.providers().add(key, origin.id, origin.addrs, loop.now());
        holder[0].drive();
    }

    // ------------------------------------------------------------------------------------------ the run

    Result run() {
        long wallStart = System.nanoTime();
        long joinInterval = EventLoop.seconds(sc.num("join_interval_ms", 10) / 1000);
        for (int i = 0; i < n; i++) {
            Node node = nodes[i];
            loop.at(i * joinInterval, () -> join(node));
        }
        long joined = n * joinInterval + EventLoop.seconds(sc.num("settle_s", 30));
        runUntil(joined);
        progress("joined", wallStart);

        // Records and provider records.
        int puts = sc.integer("puts", 100);
        int provides = sc.integer("provides", 100);
        List<byte[]> putKeys = new ArrayList<>();
        List<byte[]> providedKeys = new ArrayList<>();
        long storeSpan = EventLoop.seconds(sc.num("store_duration_s", 30));
        for (int p = 0; p < puts; p++) {
            Node origin = randomLive(true);
            byte[] key = KademliaBehaviour.pkKey(origin.id);
            putKeys.add(key);
            loop.at(joined + random.nextLong(storeSpan), () -> put(origin, key, origin.publicKey.marshal()));
        }
        for (byte[] key : eclipsed) {
            Node origin = randomLive(true);
            loop.at(joined + random.nextLong(storeSpan), () -> provide(origin, key));
        }
        for (int p = 0; p < provides; p++) {
            Node origin = randomLive(true);
            byte[] key = randomPeerKey(); // a sha2-256 multihash of random content
            providedKeys.add(key);
            loop.at(joined + random.nextLong(storeSpan), () -> provide(origin, key));
        }
        long stored = joined + storeSpan + EventLoop.seconds(sc.num("settle_s", 30));
        runUntil(stored);
        progress("records stored", wallStart);

        // Lookups, under churn.
        long span = EventLoop.seconds(sc.num("lookup_duration_s", 100));
        long end = stored + span;
        double churn = sc.num("churn", 0);
        if (churn > 0) {
            List<Integer> candidates = new ArrayList<>();
            for (int i = entries; i < n; i++) {
                if (!nodes[i].colluder) {
                    candidates.add(i);
                }
            }
            int churners = (int) Math.round(churn * n);
            for (int c = 0; c < churners && !candidates.isEmpty(); c++) {
                Node node = nodes[candidates.remove(random.nextInt(candidates.size()))];
                scheduleChurn(node, true, end);
            }
        }
        int lookups = sc.integer("lookups", 1000);
        int gets = sc.integer("gets", 100);
        int findProviders = sc.integer("find_providers", 100);
        for (int l = 0; l < lookups; l++) {
            loop.at(stored + random.nextLong(span), () -> {
                Node origin = randomLive(true);
                Node target = origin;
                for (int t = 0; t < 1000 && (target == origin || target.colluder); t++) {
                    target = randomLive(true);
                }
                new Lookup(origin, Type.FIND_NODE, target.id.bytes(), ops.get("find_node"), target.id, null).drive();
            });
        }
        for (int g = 0; g < gets && !putKeys.isEmpty(); g++) {
            byte[] key = putKeys.get(random.nextInt(putKeys.size()));
            loop.at(stored + random.nextLong(span), () ->
                    new Lookup(randomLive(true), Type.GET_VALUE, key, ops.get("get"), null, null).drive());
        }
        for (int f = 0; f < findProviders && !providedKeys.isEmpty(); f++) {
            byte[] key = providedKeys.get(random.nextInt(providedKeys.size()));
            loop.at(stored + random.nextLong(span), () ->
                    new Lookup(randomLive(true), Type.GET_PROVIDERS, key, ops.get("find_providers"), null, null)
                            .drive());
        }
        for (int f = 0; f < findProviders && !eclipsed.isEmpty(); f++) {
            byte[] key = eclipsed.get(random.nextInt(eclipsed.size()));
            loop.at(stored + random.nextLong(span), () ->
                    new Lookup(randomLive(true), Type.GET_PROVIDERS, key, ops.get("find_providers_eclipsed"), null,
                            null).drive());
        }
        long window = Math.max(EventLoop.seconds(1), span / 50);
        for (long t = stored; t < end; t += window) {
            runUntil(t + window);
            int online = 0;
            for (Node x : nodes) {
                online += x.online ? 1 : 0;
            }
            timeline.add(new double[] {(t + window - stored) / 1e9, online / (double) n,
                    windowAll == 0 ? Double.NaN : windowOk / (double) windowAll});
            windowOk = 0;
            windowAll = 0;
        }
        runUntil(end + config.queryTimeout().toNanos() + dialTimeout);
        progress("lookups done", wallStart);
        return result((System.nanoTime() - wallStart) / 1e9);
    }

    private void progress(String phase, long wallStart) {
        System.err.printf("sim: %s at %.0f s simulated, %.0f s wall, %d events%n", phase, loop.nanoTime() / 1e9,
                (System.nanoTime() - wallStart) / 1e9, loop.executed());
    }

    private void runUntil(long t) {
        loop.runUntil(t, Long.MAX_VALUE);
    }

    private Result result(double wall) {
        Result r = new Result(sc, "dht");
        Op find = ops.get("find_node");
        r.put("nodes", n);
        r.put("seed", sc.seed());
        r.put("lookups", find.started);
        r.put("lookup_success", Stats.round(find.started == 0 ? Double.NaN : find.succeeded / (double) find.started));
        r.put("hops_p50", find.hops.percentile(50));
        r.put("hops_p90", find.hops.percentile(90));
        r.put("hops_max", find.hops.max());
        r.put("hops_bound", Math.ceil(Math.log(n) / Math.log(config.k())) + 1);
        r.put("hops_histogram", histogram(find.hops));
        r.put("latency_ms_p50", Stats.round(find.latencyMs.percentile(50)));
        r.put("latency_ms_p90", Stats.round(find.latencyMs.percentile(90)));
        r.put("latency_ms_p99", Stats.round(find.latencyMs.percentile(99)));
        Map<String, Object> per = new LinkedHashMap<>();
        for (Map.Entry<String, Op> e : ops.entrySet()) {
            Op op = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("started", op.started);
            m.put("success", Stats.round(op.started == 0 ? Double.NaN : op.succeeded / (double) op.started));
            m.put("hops_p50", op.hops.percentile(50));
            m.put("latency_ms_p50", Stats.round(op.latencyMs.percentile(50)));
            m.put("latency_ms_p99", Stats.round(op.latencyMs.percentile(99)));
            m.put("messages_per_op", Stats.round(op.messages.mean()));
            m.put("bytes_per_op", Stats.round(op.bytes.mean()));
            per.put(e.getKey(), m);
        }
        r.put("operations", per);
        Map<String, Object> t = new LinkedHashMap<>();
        for (Map.Entry<Type, long[]> e : traffic.entrySet()) {
            t.put(e.getKey().name(), Map.of("messages", e.getValue()[0], "bytes", e.getValue()[1]));
        }
        r.put("traffic", t);
        r.put("malformed", malformed);
        r.put("lost", net.lost());
        int online = 0;
        long tableSum = 0;
        for (Node x : nodes) {
            if (x.online) {
                online++;
                tableSum += x.table().size();
            }
        }
        r.put("online_at_end", online);
        r.put("routing_table_mean", Stats.round(tableSum / (double) Math.max(1, online)));
        r.put("churn", sc.num("churn", 0));
        r.put("colluders", colluders.size());
        r.put("eclipsed_keys", eclipsed.size());
        r.put("disjoint_paths", config.disjointPaths());
        r.put("events", loop.executed());
        r.finish(loop.nanoTime() / 1e9, wall, n);
        // The nodes must stay reachable through the heap measurement in finish, or the JIT may let them go first.
        java.lang.ref.Reference.reachabilityFence(nodes);
        r.series("lookup_latency_ms", find.latencyMs.sorted());
        r.series("lookup_hops", find.hops.sorted());
        r.timeline = timeline;
        return r;
    }

    private static Map<String, Integer> histogram(Stats s) {
        Map<String, Integer> h = new LinkedHashMap<>();
        for (double v : s.sorted()) {
            h.merge(String.valueOf((int) v), 1, Integer::sum);
        }
        return h;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    Instant now() {
        return loop.now();
    }
}
