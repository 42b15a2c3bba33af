package org.jlibp2p.gossipsub;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.peer.PeerId;

/**
 * The pubsub router as a state machine without I/O: floodsub, or gossipsub v1.0 to v1.2 with peer scoring. It is
 * driven by calls (peers coming and going, RPCs received, subscriptions, publishes, heartbeats) and answers through
 * its {@link Output} (RPCs to send, messages to deliver, events), reading time from the clock it is given. Every
 * call must come from one thread at a time (the behaviour's); nothing blocks. The same code runs under
 * {@link GossipsubBehaviour} and in simulations that move time by hand.
 */
public final class PubsubRouter {
    public static final String FLOODSUB = "/floodsub/1.0.0";
    public static final String MESHSUB_V10 = "/meshsub/1.0.0";
    public static final String MESHSUB_V11 = "/meshsub/1.1.0";
    public static final String MESHSUB_V12 = "/meshsub/1.2.0";

    /** Where the router's decisions go. Called on the router's thread. */
    public interface Output {
        /** Sends {@code rpc} to {@code peer} (a peer the router was told about). */
        void send(PeerId peer, Rpc rpc);

        /** A message passed validation in a topic this node is subscribed to: hand it to the subscribers. */
        void deliver(GossipsubEvent.Received message);

        /** Reports a mesh change, a peer's subscription, a dropped message. */
        void event(GossipsubEvent event);

        /** Peer exchange offered {@code peer}: connect to it if possible. */
        default void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {}

        /** Runs {@code task} on the router's thread (how an asynchronous verdict comes back); any thread. */
        void runOnRouter(Runnable task);

        /**
         * Runs {@code check}, a received message's signature check (thread-safe, touching nothing of the router),
         * and hands what it found wrong (empty when the signature verifies) to {@code verdict} on the router's
         * thread. By default both run at once on the calling thread; a node may run checks on other threads, and
         * then hands the verdicts back in the order the checks were asked for.
         */
        default void checkSignature(Supplier<Optional<String>> check, Consumer<Optional<String>> verdict) {
            verdict.accept(check.get());
        }
    }

    private static final class PeerState {
        final String protocol;
        final boolean outbound;
        final Set<String> topics = new HashSet<>();
        final Map<MessageId, Long> dontWant = new HashMap<>();
        int ihaves;
        int asked;

        PeerState(String protocol, boolean outbound) {
            this.protocol = protocol;
            this.outbound = outbound;
        }

        boolean gossipsub() {
            return !protocol.equals(FLOODSUB);
        }

        boolean v11() {
            return protocol.equals(MESHSUB_V11) || protocol.equals(MESHSUB_V12);
        }

        boolean v12() {
            return protocol.equals(MESHSUB_V12);
        }
    }

    private final GossipsubConfig config;
    private final PeerId self;
    private final PrivateKey key;
    private final Supplier<Instant> clock;
    private final Output out;
    private final SplittableRandom random;
    private final MessageIdFunction idFunction;
    private final PeerScore score;
    private final PeerScoreThresholds thresholds;

    private final Map<PeerId, PeerState> peers = new LinkedHashMap<>();
    private final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
    private final Set<String> subscribed = new LinkedHashSet<>();
    private final Map<String, Set<PeerId>> mesh = new LinkedHashMap<>();
    private final Map<String, Set<PeerId>> fanout = new LinkedHashMap<>();
    private final Map<String, Instant> lastPublished = new HashMap<>();
    private final Map<String, Map<PeerId, Instant>> backoff = new HashMap<>();
    private final Map<MessageId, Map<PeerId, Instant>> promises = new LinkedHashMap<>();
    private final MessageCache cache;
    private final SeenCache seen;
    private final Map<String, List<Validator>> validators = new HashMap<>();
    private final Map<String, List<AsyncValidator>> asyncValidators = new HashMap<>();
    private final Map<PeerId, Rpc.Builder> pending = new LinkedHashMap<>();
    private int pendingValidations;
    private int pendingSignatureChecks;
    private long ticks;
    private long seqno;
    private final Counters counters = new Counters();

    /** What the router counted since it started. */
    public static final class Counters {
        long published;
        long delivered;
        long duplicates;
        long rejected;
        long ignored;
        long validationsDropped;
        long iwantsSent;
        long ihavesSent;
        long idontwantsSent;

        public long published() {
            return published;
        }

        /** Messages that passed validation (this node's own not counted). */
        public long delivered() {
            return delivered;
        }

        /** Copies of messages already seen. */
        public long duplicates() {
            return duplicates;
        }

        public long rejected() {
            return rejected;
        }

        public long ignored() {
            return ignored;
        }

        /** Messages ignored because {@link GossipsubConfig#maxPendingValidations()} were already pending. */
        public long validationsDropped() {
            return validationsDropped;
        }

        public long iwantsSent() {
            return iwantsSent;
        }

        public long ihavesSent() {
            return ihavesSent;
        }

        public long idontwantsSent() {
            return idontwantsSent;
        }
    }

    /**
     * A router for the node {@code self} signing with {@code key}, reading time from {@code clock}.
     */
    public PubsubRouter(GossipsubConfig config, PeerId self, PrivateKey key, Supplier<Instant> clock, Output out) {
        this.config = config;
        this.self = self;
        this.key = key;
        this.clock = clock;
        this.out = out;
        this.random = new SplittableRandom(config.seed());
        this.idFunction = config.idFunction();
        this.thresholds = config.thresholds();
        Instant now = clock.get();
        this.score = config.scoreParams() == null ? null : new PeerScore(config.scoreParams(), config.seenTtl(), now);
        this.cache = new MessageCache(config.historyGossip(), config.historyLength());
        this.seen = new SeenCache(config.seenTtl(), config.seenCapacity());
        this.seqno = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The protocols this router speaks, in order of preference. */
    public List<String> protocols() {
        return protocols(config.mode());
    }

    static List<String> protocols(RouterMode mode) {
        return mode == RouterMode.FLOODSUB ? List.of(FLOODSUB)
                : List.of(MESHSUB_V12, MESHSUB_V11, MESHSUB_V10, FLOODSUB);
    }

    public GossipsubConfig config() {
        return config;
    }

    public Counters counters() {
        return counters;
    }

    private boolean gossipMode() {
        return config.mode() == RouterMode.GOSSIPSUB;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Peers

    /**
     * {@code peer} speaks {@code protocol} with this node; {@code ips} are the IP addresses of its connections (for
     * P6). It is told this node's subscriptions.
     */
    public void addPeer(PeerId peer, String protocol, boolean outbound, Set<String> ips) {
        if (peers.containsKey(peer)) {
            return;
        }
        peers.put(peer, new PeerState(protocol, outbound));
        if (score != null) {
            score.addPeer(peer, ips);
        }
        out.event(new GossipsubEvent.PeerAdded(peer, protocol));
        if (!subscribed.isEmpty()) {
            Rpc.Builder b = pending(peer);
            for (String t : subscribed) {
                b.subscriptions.add(new Rpc.SubOpts(true, t));
            }
        }
        flush();
    }

    /** {@code peer} is gone: it leaves every topic, mesh and fanout. */
    public void removePeer(PeerId peer) {
        PeerState s = peers.remove(peer);
        if (s == null) {
            return;
        }
        for (String t : s.topics) {
            Set<PeerId> tp = topicPeers.get(t);
            if (tp != null) {
                tp.remove(peer);
                if (tp.isEmpty()) {
                    topicPeers.remove(t);
                }
            }
        }
        for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
            if (e.getValue().remove(peer)) {
                out.event(new GossipsubEvent.Pruned(peer, e.getKey()));
            }
        }
        for (Set<PeerId> f : fanout.values()) {
            f.remove(peer);
        }
        if (score != null) {
            score.removePeer(peer, clock.get());
        }
        pending.remove(peer);
        out.event(new GossipsubEvent.PeerRemoved(peer));
    }

    public boolean hasPeer(PeerId peer) {
        return peers.containsKey(peer);
    }

    public Optional<String> protocolOf(PeerId peer) {
        PeerState s = peers.get(peer);
        return s == null ? Optional.empty() : Optional.of(s.protocol);
    }

    /** Peers subscribed to {@code topic}. */
    public Set<PeerId> peers(String topic) {
        return Set.copyOf(topicPeers.getOrDefault(topic, Set.of()));
    }

    /** Every peer speaking pubsub with this node. */
    public Set<PeerId> peers() {
        return Set.copyOf(peers.keySet());
    }

    /** This node's mesh of {@code topic}. */
    public Set<PeerId> mesh(String topic) {
        return Set.copyOf(mesh.getOrDefault(topic, Set.of()));
    }

    /** This node's fanout of {@code topic}. */
    public Set<PeerId> fanout(String topic) {
        return Set.copyOf(fanout.getOrDefault(topic, Set.of()));
    }

    /** The topics this node is subscribed to. */
    public Set<String> topics() {
        return Set.copyOf(subscribed);
    }

    /** {@code peer}'s score (0 when scoring is off). */
    public double score(PeerId peer) {
        return score == null ? 0 : score.score(peer, clock.get());
    }

    /** The parts of {@code peer}'s score. */
    public ScoreExplanation explain(PeerId peer) {
        return score == null ? new ScoreExplanation(peer, 0, Map.of(), 0, 0, 0, 0) : score.explain(peer, clock.get());
    }

    /** Whether {@code peer} is in backoff for {@code topic}. */
    public boolean inBackoff(PeerId peer, String topic) {
        Instant until = backoff.getOrDefault(topic, Map.of()).get(peer);
        return until != null && clock.get().isBefore(until);
    }

    public int seenCount() {
        return seen.size();
    }

    public int cachedMessages() {
        return cache.size();
    }

    public int pendingValidations() {
        return pendingValidations;
    }

    /** Messages whose signature check {@link Output#checkSignature} has not answered yet. */
    public int pendingSignatureChecks() {
        return pendingSignatureChecks;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Validators

    public void addValidator(String topic, Validator v) {
        validators.computeIfAbsent(topic, k -> new ArrayList<>()).add(v);
    }

    public void addAsyncValidator(String topic, AsyncValidator v) {
        asyncValidators.computeIfAbsent(topic, k -> new ArrayList<>()).add(v);
    }

    public void removeValidators(String topic) {
        validators.remove(topic);
        asyncValidators.remove(topic);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Subscriptions

    /**
     * Subscribes this node to {@code topic}: peers are told, and (gossipsub) a mesh is built from the fanout and
     * the topic's peers.
     *
     * @throws IllegalArgumentException if the subscription filter refuses the topic
     */
    public boolean subscribe(String topic) {
        if (!config.subscriptionFilter().allows(topic)) {
            throw new IllegalArgumentException("the subscription filter refuses topic " + topic);
        }
        if (!subscribed.add(topic)) {
            return false;
        }
        for (PeerId p : peers.keySet()) {
            pending(p).subscriptions.add(new Rpc.SubOpts(true, topic));
        }
        if (gossipMode()) {
            join(topic);
        }
        flush();
        return true;
    }

    private void join(String topic) {
        Set<PeerId> m = new LinkedHashSet<>();
        Set<PeerId> f = fanout.remove(topic);
        lastPublished.remove(topic);
        if (f != null) {
            for (PeerId p : f) {
                if (score(p) >= 0 && peers.containsKey(p)) {
                    m.add(p);
                }
            }
        }
        mesh.put(topic, m);
        if (m.size() < config.d()) {
            List<PeerId> more = candidates(topic, p -> !m.contains(p) && !inBackoff(p, topic) && score(p) >= 0);
            for (PeerId p : pick(more, config.d() - m.size())) {
                m.add(p);
            }
        }
        for (PeerId p : m) {
            graftLocally(p, topic);
            pending(p).graft.add(new Rpc.Graft(topic));
        }
    }

    /** Unsubscribes: peers are told, and the mesh's peers pruned with the unsubscribe backoff. */
    public boolean unsubscribe(String topic) {
        if (!subscribed.remove(topic)) {
            return false;
        }
        for (PeerId p : peers.keySet()) {
            pending(p).subscriptions.add(new Rpc.SubOpts(false, topic));
        }
        Set<PeerId> m = mesh.remove(topic);
        if (m != null) {
            for (PeerId p : m) {
                pruneLocally(p, topic);
                pending(p).prune.add(makePrune(p, topic, false, true));
            }
        }
        flush();
        return true;
    }

    private interface PeerTest {
        boolean test(PeerId p);
    }

    /** The topic's gossipsub peers passing {@code test}, in a stable order. */
    private List<PeerId> candidates(String topic, PeerTest test) {
        List<PeerId> out = new ArrayList<>();
        for (PeerId p : topicPeers.getOrDefault(topic, Set.of())) {
            PeerState s = peers.get(p);
            if (s != null && s.gossipsub() && test.test(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private List<PeerId> pick(List<PeerId> from, int n) {
        List<PeerId> copy = new ArrayList<>(from);
        shuffle(copy);
        return n >= copy.size() ? copy : copy.subList(0, Math.max(n, 0));
    }

    private <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T tmp = list.get(i);
            list.set(i, list.get(j));
            list.set(j, tmp);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Publishing

    /**
     * Publishes {@code data} to {@code topic} as this node, signed as the policy says; delivered to this node's own
     * subscribers of the topic too. Returns the message's id.
     */
    public MessageId publish(String topic, byte[] data) {
        Message m = MessageSigning.author(config.signaturePolicy(), key, self, topic, data, ++seqno);
        MessageId id = idFunction.apply(m);
        Instant now = clock.get();
        if (!seen.add(id, now)) {
            throw new IllegalStateException("a message with id " + id + " was published already");
        }
        counters.published++;
        cache.put(id, m);
        if (subscribed.contains(topic)) {
            out.deliver(new GossipsubEvent.Received(id, m, self));
        }
        forward(id, m, self, true);
        flush();
        return id;
    }

    /** Sends message {@code m} on: floodsub to every topic peer; gossipsub to the mesh (or fanout, or all). */
    private void forward(MessageId id, Message m, PeerId source, boolean local) {
        String topic = m.topic();
        Set<PeerId> to = new LinkedHashSet<>();
        Set<PeerId> tp = topicPeers.getOrDefault(topic, Set.of());
        if (!gossipMode() || (local && config.floodPublish())) {
            for (PeerId p : tp) {
                if (score(p) >= thresholds.publishThreshold()) {
                    to.add(p);
                }
            }
        } else {
            for (PeerId p : tp) {
                PeerState s = peers.get(p);
                if (s != null && !s.gossipsub() && score(p) >= thresholds.publishThreshold()) {
                    to.add(p);
                }
            }
            Set<PeerId> m0 = mesh.get(topic);
            if (m0 != null) {
                to.addAll(m0);
            } else if (local) {
                Set<PeerId> f = fanout.get(topic);
                if (f == null || f.isEmpty()) {
                    f = new LinkedHashSet<>(pick(candidates(topic,
                            p -> score(p) >= thresholds.publishThreshold()), config.d()));
                    if (!f.isEmpty()) {
                        fanout.put(topic, f);
                    }
                }
                to.addAll(f);
                lastPublished.put(topic, clock.get());
            }
        }
        to.remove(source);
        m.from().ifPresent(to::remove);
        for (PeerId p : to) {
            PeerState s = peers.get(p);
            if (s == null || s.dontWant.containsKey(id)) {
                continue;
            }
            pending(p).messages.add(m);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving

    /** Handles an RPC {@code from} a peer. */
    public void handleRpc(PeerId from, Rpc rpc) {
        PeerState state = peers.get(from);
        if (state == null) {
            return;
        }
        for (Rpc.SubOpts s : rpc.subscriptions()) {
            handleSubscription(from, state, s);
        }
        if (score != null && score(from) < thresholds.graylistThreshold()) {
            flush();
            return; // graylisted: its messages and control are ignored
        }
        for (Message m : rpc.messages()) {
            handleMessage(from, m);
        }
        if (gossipMode() && state.gossipsub() && !rpc.control().isEmpty()) {
            handleControl(from, state, rpc.control());
        }
        flush();
    }

    private void handleSubscription(PeerId from, PeerState state, Rpc.SubOpts s) {
        String topic = s.topic();
        if (!config.subscriptionFilter().allows(topic)) {
            return;
        }
        if (s.subscribe()) {
            if (state.topics.contains(topic)) {
                return;
            }
            if (state.topics.size() >= config.limits().maxTopicsPerPeer()) {
                return; // the handler refuses the stream before this; the router stays bounded anyway
            }
            state.topics.add(topic);
            topicPeers.computeIfAbsent(topic, k -> new LinkedHashSet<>()).add(from);
            out.event(new GossipsubEvent.PeerSubscribed(from, topic));
        } else {
            if (!state.topics.remove(topic)) {
                return;
            }
            Set<PeerId> tp = topicPeers.get(topic);
            if (tp != null) {
                tp.remove(from);
                if (tp.isEmpty()) {
                    topicPeers.remove(topic);
                }
            }
            Set<PeerId> m = mesh.get(topic);
            if (m != null && m.remove(from)) {
                pruneLocally(from, topic);
            }
            Set<PeerId> f = fanout.get(topic);
            if (f != null) {
                f.remove(from);
            }
            out.event(new GossipsubEvent.PeerUnsubscribed(from, topic));
        }
    }

    private void handleMessage(PeerId from, Message m) {
        if (!subscribed.contains(m.topic())) {
            return; // not a topic of ours: neither delivered nor forwarded
        }
        MessageId id = idFunction.apply(m);
        Instant now = clock.get();
        if (!seen.add(id, now)) {
            counters.duplicates++;
            if (score != null) {
                score.duplicateMessage(from, id, m.topic(), now);
            }
            return;
        }
        if (m.from().isPresent() && m.from().get().equals(self)) {
            counters.ignored++;
            return; // our own message back, or one claiming to be ours: never ours to deliver again
        }
        if (score != null) {
            score.validateMessage(from, id, now);
        }
        if (gossipMode() && m.data().length >= config.idontwantMessageThreshold()) {
            sendIDontWant(id, m.topic(), from);
        }
        if (config.signaturePolicy() != SignaturePolicy.STRICT_SIGN) {
            validate(from, id, m, MessageSigning.check(config.signaturePolicy(), m));
            return;
        }
        // the one costly check (public-key cryptography): the node may run it on another thread
        pendingSignatureChecks++;
        boolean[] answered = {false};
        boolean[] returned = {false};
        out.checkSignature(() -> MessageSigning.check(SignaturePolicy.STRICT_SIGN, m), broken -> {
            if (answered[0]) {
                return; // answered twice: the first answer stands
            }
            answered[0] = true;
            pendingSignatureChecks--;
            validate(from, id, m, broken);
            if (returned[0]) {
                flush(); // answered later, outside the call that received the message
            }
        });
        returned[0] = true;
    }

    /** A received message past its signature check ({@code broken}: what is wrong with it): on to the validators. */
    private void validate(PeerId from, MessageId id, Message m, Optional<String> broken) {
        if (broken.isPresent()) {
            finish(from, id, m, ValidationResult.REJECT, broken.get());
            return;
        }
        ValidationResult verdict = ValidationResult.ACCEPT;
        for (Validator v : validators.getOrDefault(m.topic(), List.of())) {
            ValidationResult r;
            try {
                r = v.validate(from, m);
            } catch (RuntimeException e) {
                r = ValidationResult.IGNORE;
            }
            verdict = verdict.and(r == null ? ValidationResult.IGNORE : r);
            if (verdict == ValidationResult.REJECT) {
                break;
            }
        }
        List<AsyncValidator> async = asyncValidators.getOrDefault(m.topic(), List.of());
        if (verdict != ValidationResult.ACCEPT || async.isEmpty()) {
            finish(from, id, m, verdict, "by a validator");
            return;
        }
        if (pendingValidations >= config.maxPendingValidations()) {
            counters.validationsDropped++;
            finish(from, id, m, ValidationResult.IGNORE, "too many validations pending");
            return;
        }
        pendingValidations++;
        List<CompletionStage<ValidationResult>> stages = new ArrayList<>();
        for (AsyncValidator v : async) {
            try {
                stages.add(v.validate(from, m));
            } catch (RuntimeException e) {
                stages.add(java.util.concurrent.CompletableFuture.completedFuture(ValidationResult.IGNORE));
            }
        }
        collect(stages, 0, ValidationResult.ACCEPT, r -> out.runOnRouter(() -> {
            pendingValidations--;
            finish(from, id, m, r, "by an asynchronous validator");
            flush();
        }));
    }

    private static void collect(List<CompletionStage<ValidationResult>> stages, int i, ValidationResult acc,
            java.util.function.Consumer<ValidationResult> done) {
        if (i == stages.size() || acc == ValidationResult.REJECT) {
            done.accept(acc);
            return;
        }
        stages.get(i).whenComplete((r, error) -> {
            ValidationResult v = error != null || r == null ? ValidationResult.IGNORE : r;
            collect(stages, i + 1, acc.and(v), done);
        });
    }

    private void finish(PeerId from, MessageId id, Message m, ValidationResult verdict, String reason) {
        Instant now = clock.get();
        switch (verdict) {
            case ACCEPT -> {
                counters.delivered++;
                promises.remove(id);
                if (score != null) {
                    score.deliverMessage(from, id, m.topic(), now);
                }
                cache.put(id, m);
                if (subscribed.contains(m.topic())) {
                    out.deliver(new GossipsubEvent.Received(id, m, from));
                }
                forward(id, m, from, false);
            }
            case REJECT -> {
                counters.rejected++;
                promises.remove(id);
                if (score != null) {
                    score.rejectMessage(from, id, m.topic(), true, now);
                }
                out.event(new GossipsubEvent.Dropped(id, m.topic(), from, verdict, reason));
            }
            case IGNORE -> {
                counters.ignored++;
                promises.remove(id);
                if (score != null) {
                    score.rejectMessage(from, id, m.topic(), false, now);
                }
                out.event(new GossipsubEvent.Dropped(id, m.topic(), from, verdict, reason));
            }
        }
    }

    /**
     * Tells the v1.2 mesh peers at once, each in an RPC of its own, that this node has the message: sent with the
     * forwarded copy it would arrive only after that copy, too late to stop a peer from sending its own.
     */
    private void sendIDontWant(MessageId id, String topic, PeerId from) {
        Rpc rpc = null;
        for (PeerId p : mesh.getOrDefault(topic, Set.of())) {
            PeerState s = peers.get(p);
            if (!p.equals(from) && s != null && s.v12()) {
                if (rpc == null) {
                    rpc = Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(), List.of(),
                            List.of(new Rpc.IDontWant(List.of(id)))));
                }
                out.send(p, rpc);
                counters.idontwantsSent++;
            }
        }
    }

    private void handleControl(PeerId from, PeerState state, Rpc.Control c) {
        List<MessageId> iwant = handleIHave(from, state, c.ihave());
        List<Message> answers = handleIWant(from, state, c.iwant());
        List<Rpc.Prune> prunes = handleGraft(from, state, c.graft());
        handlePrune(from, state, c.prune());
        handleIDontWant(state, c.idontwant());
        Rpc.Builder b = null;
        if (!iwant.isEmpty()) {
            b = pending(from);
            b.iwant.add(new Rpc.IWant(iwant));
            counters.iwantsSent++;
        }
        if (!answers.isEmpty()) {
            b = b == null ? pending(from) : b;
            b.messages.addAll(answers);
        }
        if (!prunes.isEmpty()) {
            b = b == null ? pending(from) : b;
            b.prune.addAll(prunes);
        }
    }

    private List<MessageId> handleIHave(PeerId from, PeerState state, List<Rpc.IHave> ihaves) {
        if (ihaves.isEmpty() || score(from) < thresholds.gossipThreshold()) {
            return List.of();
        }
        state.ihaves++;
        if (state.ihaves > config.maxIHaveMessages() || state.asked >= config.maxIHaveLength()) {
            return List.of();
        }
        Instant now = clock.get();
        Set<MessageId> want = new LinkedHashSet<>();
        for (Rpc.IHave ih : ihaves) {
            if (!mesh.containsKey(ih.topic())) {
                continue;
            }
            for (MessageId id : ih.ids()) {
                if (!seen.contains(id, now)) {
                    want.add(id);
                }
            }
        }
        if (want.isEmpty()) {
            return List.of();
        }
        List<MessageId> ids = new ArrayList<>(want);
        int room = config.maxIHaveLength() - state.asked;
        shuffle(ids);
        if (ids.size() > room) {
            ids = new ArrayList<>(ids.subList(0, room));
        }
        state.asked += ids.size();
        // one promise per IWANT, on a message picked at random: the peer must deliver it in time
        MessageId promised = ids.get(random.nextInt(ids.size()));
        promises.computeIfAbsent(promised, k -> new HashMap<>())
                .putIfAbsent(from, now.plus(config.iwantFollowupTime()));
        return ids;
    }

    private List<Message> handleIWant(PeerId from, PeerState state, List<Rpc.IWant> iwants) {
        if (iwants.isEmpty() || score(from) < thresholds.gossipThreshold()) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        Set<MessageId> done = new HashSet<>();
        int[] count = new int[1];
        for (Rpc.IWant iw : iwants) {
            for (MessageId id : iw.ids()) {
                if (!done.add(id) || state.dontWant.containsKey(id)) {
                    continue;
                }
                Message m = cache.getForPeer(id, from, count);
                if (m == null || count[0] > config.gossipRetransmission()) {
                    continue;
                }
                out.add(m);
            }
        }
        return out;
    }

    private List<Rpc.Prune> handleGraft(PeerId from, PeerState state, List<Rpc.Graft> grafts) {
        List<Rpc.Prune> prunes = new ArrayList<>();
        Instant now = clock.get();
        for (Rpc.Graft g : grafts) {
            String topic = g.topic();
            Set<PeerId> m = mesh.get(topic);
            if (m == null) {
                continue; // a topic we are not in: ignored, so that GRAFTs for made-up topics cost us nothing
            }
            if (m.contains(from)) {
                continue;
            }
            Instant until = backoff.getOrDefault(topic, Map.of()).get(from);
            if (until != null && now.isBefore(until)) {
                // a GRAFT during backoff costs a penalty, and one right after our PRUNE costs another
                if (score != null) {
                    score.addPenalty(from, 1);
                    Instant pruned = until.minus(config.pruneBackoff());
                    if (now.isBefore(pruned.plus(config.graftFloodThreshold()))) {
                        score.addPenalty(from, 1);
                    }
                }
                prunes.add(makePrune(from, topic, false, false));
                addBackoff(from, topic, config.pruneBackoff());
                continue;
            }
            if (score(from) < 0) {
                prunes.add(makePrune(from, topic, false, false));
                addBackoff(from, topic, config.pruneBackoff());
                continue;
            }
            if (m.size() >= config.dHi() && !state.outbound) {
                prunes.add(makePrune(from, topic, config.doPX(), false));
                addBackoff(from, topic, config.pruneBackoff());
                continue;
            }
            m.add(from);
            graftLocally(from, topic);
        }
        return prunes;
    }

    private void handlePrune(PeerId from, PeerState state, List<Rpc.Prune> prunes) {
        for (Rpc.Prune p : prunes) {
            String topic = p.topic();
            Set<PeerId> m = mesh.get(topic);
            if (m == null) {
                continue; // a topic we are not in: nothing to leave, and no backoff to remember
            }
            if (m.remove(from)) {
                pruneLocally(from, topic);
            }
            OptionalLong secs = p.backoffSeconds();
            Duration d = secs.isPresent()
                    ? Duration.ofSeconds(Math.min(secs.getAsLong(), Duration.ofDays(1).toSeconds()))
                    : config.pruneBackoff();
            addBackoff(from, topic, d);
            if (!p.peers().isEmpty() && state.v11() && score(from) >= thresholds.acceptPXThreshold()) {
                List<Rpc.PeerExchange> px = new ArrayList<>(p.peers());
                shuffle(px);
                int n = 0;
                for (Rpc.PeerExchange x : px) {
                    if (n >= config.prunePeers()) {
                        break;
                    }
                    if (!x.peer().equals(self) && !peers.containsKey(x.peer())) {
                        out.connect(x.peer(), x.signedPeerRecord());
                        n++;
                    }
                }
            }
        }
    }

    private void handleIDontWant(PeerState state, List<Rpc.IDontWant> list) {
        for (Rpc.IDontWant x : list) {
            for (MessageId id : x.ids()) {
                if (state.dontWant.size() >= config.maxIDontWantMessages()) {
                    return;
                }
                state.dontWant.putIfAbsent(id, ticks + config.idontwantTtlHeartbeats());
            }
        }
    }

    private void graftLocally(PeerId p, String topic) {
        if (score != null) {
            score.graft(p, topic, clock.get());
        }
        out.event(new GossipsubEvent.Grafted(p, topic));
    }

    private void pruneLocally(PeerId p, String topic) {
        if (score != null) {
            score.prune(p, topic);
        }
        out.event(new GossipsubEvent.Pruned(p, topic));
    }

    private void addBackoff(PeerId p, String topic, Duration d) {
        Instant until = clock.get().plus(d);
        backoff.computeIfAbsent(topic, k -> new HashMap<>()).merge(p, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** A PRUNE for {@code peer}: with a backoff and, when asked and the peer speaks v1.1, peers to try instead. */
    private Rpc.Prune makePrune(PeerId peer, String topic, boolean px, boolean unsubscribing) {
        Duration d = unsubscribing ? config.unsubscribeBackoff() : config.pruneBackoff();
        addBackoff(peer, topic, d);
        PeerState s = peers.get(peer);
        if (s == null || !s.v11()) {
            return new Rpc.Prune(topic, List.of(), OptionalLong.empty());
        }
        List<Rpc.PeerExchange> offered = List.of();
        if (px) {
            List<PeerId> cands = candidates(topic, p -> !p.equals(peer) && score(p) >= 0);
            offered = pick(cands, config.prunePeers()).stream()
                    .map(p -> new Rpc.PeerExchange(p, Optional.empty())).toList();
        }
        return new Rpc.Prune(topic, offered, OptionalLong.of(d.toSeconds()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Heartbeat

    /** One heartbeat: mesh and fanout maintenance, gossip, promises, caches and score decay. */
    public void heartbeat() {
        ticks++;
        Instant now = clock.get();
        for (PeerState s : peers.values()) {
            s.ihaves = 0;
            s.asked = 0;
            s.dontWant.values().removeIf(expiry -> expiry <= ticks);
        }
        if (score != null) {
            score.refresh(now);
        }
        applyBrokenPromises(now);
        if (ticks % 15 == 0) {
            for (Map<PeerId, Instant> b : backoff.values()) {
                b.values().removeIf(until -> !until.plus(config.heartbeatInterval()).isAfter(now));
            }
            backoff.values().removeIf(Map::isEmpty);
        }
        if (gossipMode()) {
            Map<PeerId, List<String>> toGraft = new HashMap<>();
            Map<PeerId, List<String>> toPrune = new HashMap<>();
            for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
                maintainMesh(e.getKey(), e.getValue(), toGraft, toPrune);
            }
            for (Map.Entry<PeerId, List<String>> e : toGraft.entrySet()) {
                for (String t : e.getValue()) {
                    pending(e.getKey()).graft.add(new Rpc.Graft(t));
                }
            }
            for (Map.Entry<PeerId, List<String>> e : toPrune.entrySet()) {
                for (String t : e.getValue()) {
                    pending(e.getKey()).prune.add(makePrune(e.getKey(), t,
                            config.doPX() && score(e.getKey()) >= 0, false));
                }
            }
            maintainFanout(now);
            for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
                emitGossip(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, Set<PeerId>> e : fanout.entrySet()) {
                emitGossip(e.getKey(), e.getValue());
            }
        }
        cache.shift();
        seen.sweep(now);
        flush();
    }

    private void maintainMesh(String topic, Set<PeerId> m, Map<PeerId, List<String>> toGraft,
            Map<PeerId, List<String>> toPrune) {
        // drop peers with a negative score
        for (Iterator<PeerId> it = m.iterator(); it.hasNext(); ) {
            PeerId p = it.next();
            if (score(p) < 0) {
                it.remove();
                pruneLocally(p, topic);
                toPrune.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
            }
        }
        if (m.size() < config.dLo()) {
            List<PeerId> cands = candidates(topic, p -> !m.contains(p) && !inBackoff(p, topic) && score(p) >= 0);
            for (PeerId p : pick(cands, config.d() - m.size())) {
                m.add(p);
                graftLocally(p, topic);
                toGraft.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
            }
        }
        if (m.size() > config.dHi()) {
            List<PeerId> all = new ArrayList<>(m);
            shuffle(all);
            all.sort((a, b) -> Double.compare(score(b), score(a)));
            List<PeerId> keep = new ArrayList<>(all.subList(0, config.dScore()));
            List<PeerId> rest = new ArrayList<>(all.subList(config.dScore(), all.size()));
            shuffle(rest);
            // keep at least D_out outbound peers: move outbound ones of the rest to the front
            long outbound = keep.stream().filter(this::isOutbound).count();
            List<PeerId> ordered = new ArrayList<>();
            for (PeerId p : rest) {
                if (outbound < config.dOut() && isOutbound(p)) {
                    ordered.add(p);
                    outbound++;
                }
            }
            for (PeerId p : rest) {
                if (!ordered.contains(p)) {
                    ordered.add(p);
                }
            }
            for (PeerId p : ordered) {
                if (keep.size() >= config.d()) {
                    break;
                }
                keep.add(p);
            }
            for (PeerId p : all) {
                if (!keep.contains(p)) {
                    m.remove(p);
                    pruneLocally(p, topic);
                    toPrune.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
                }
            }
        }
        if (m.size() >= config.dLo()) {
            long outbound = m.stream().filter(this::isOutbound).count();
            if (outbound < config.dOut()) {
                List<PeerId> cands = candidates(topic,
                        p -> !m.contains(p) && isOutbound(p) && !inBackoff(p, topic) && score(p) >= 0);
                for (PeerId p : pick(cands, (int) (config.dOut() - outbound))) {
                    m.add(p);
                    graftLocally(p, topic);
                    toGraft.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
                }
            }
        }
        if (score != null && ticks % config.opportunisticGraftTicks() == 0 && m.size() > 1) {
            List<Double> scores = new ArrayList<>();
            for (PeerId p : m) {
                scores.add(score(p));
            }
            scores.sort(Double::compare);
            double median = scores.get(scores.size() / 2);
            if (median < thresholds.opportunisticGraftThreshold()) {
                List<PeerId> cands = candidates(topic,
                        p -> !m.contains(p) && !inBackoff(p, topic) && score(p) > median);
                for (PeerId p : pick(cands, config.opportunisticGraftPeers())) {
                    m.add(p);
                    graftLocally(p, topic);
                    toGraft.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
                }
            }
        }
    }

    private boolean isOutbound(PeerId p) {
        PeerState s = peers.get(p);
        return s != null && s.outbound;
    }

    private void maintainFanout(Instant now) {
        for (Iterator<Map.Entry<String, Set<PeerId>>> it = fanout.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Set<PeerId>> e = it.next();
            String topic = e.getKey();
            Instant last = lastPublished.get(topic);
            if (last == null || !now.isBefore(last.plus(config.fanoutTtl()))) {
                it.remove();
                lastPublished.remove(topic);
                continue;
            }
            Set<PeerId> tp = topicPeers.getOrDefault(topic, Set.of());
            Set<PeerId> f = e.getValue();
            f.removeIf(p -> !tp.contains(p) || score(p) < thresholds.publishThreshold());
            if (f.size() < config.d()) {
                List<PeerId> cands = candidates(topic, p -> !f.contains(p)
                        && score(p) >= thresholds.publishThreshold());
                f.addAll(pick(cands, config.d() - f.size()));
            }
        }
    }

    private void emitGossip(String topic, Set<PeerId> exclude) {
        List<MessageId> ids = cache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        List<PeerId> cands = candidates(topic,
                p -> !exclude.contains(p) && score(p) >= thresholds.gossipThreshold());
        int target = Math.max(config.dLazy(), (int) (config.gossipFactor() * cands.size()));
        for (PeerId p : pick(cands, target)) {
            List<MessageId> send = ids;
            if (send.size() > config.maxIHaveLength()) {
                List<MessageId> copy = new ArrayList<>(ids);
                shuffle(copy);
                send = copy.subList(0, config.maxIHaveLength());
            }
            pending(p).ihave.add(new Rpc.IHave(topic, send));
            counters.ihavesSent++;
        }
    }

    private void applyBrokenPromises(Instant now) {
        Map<PeerId, Integer> broken = new HashMap<>();
        for (Iterator<Map.Entry<MessageId, Map<PeerId, Instant>>> it = promises.entrySet().iterator();
                it.hasNext(); ) {
            Map<PeerId, Instant> byPeer = it.next().getValue();
            for (Iterator<Map.Entry<PeerId, Instant>> pit = byPeer.entrySet().iterator(); pit.hasNext(); ) {
                Map.Entry<PeerId, Instant> e = pit.next();
                if (!now.isBefore(e.getValue())) {
                    broken.merge(e.getKey(), 1, Integer::sum);
                    pit.remove();
                }
            }
            if (byPeer.isEmpty()) {
                it.remove();
            }
        }
        if (score != null) {
            broken.forEach(score::addPenalty);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Output

    private Rpc.Builder pending(PeerId peer) {
        return pending.computeIfAbsent(peer, k -> new Rpc.Builder());
    }

    /** Sends what the last call gathered, one RPC per peer; control goes only to gossipsub peers. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<PeerId, Rpc.Builder>> batch = new ArrayList<>(pending.entrySet());
        pending.clear();
        for (Map.Entry<PeerId, Rpc.Builder> e : batch) {
            PeerState s = peers.get(e.getKey());
            if (s == null) {
                continue;
            }
            Rpc.Builder b = e.getValue();
            if (!s.gossipsub()) {
                b.ihave.clear();
                b.iwant.clear();
                b.graft.clear();
                b.prune.clear();
                b.idontwant.clear();
            } else if (!s.v12()) {
                b.idontwant.clear();
            }
            if (!b.isEmpty()) {
                sendSplit(e.getKey(), b);
            }
        }
    }

    /**
     * Sends what {@code b} holds in as many RPCs as it takes to keep each under the peer's RPC size limit (assumed
     * to be ours): messages beyond the first RPC's share go in RPCs of their own.
     */
    private void sendSplit(PeerId peer, Rpc.Builder b) {
        int budget = config.limits().maxRpcSize() - 64 * 1024; // room for subscriptions and control
        if (b.messages.isEmpty()) {
            out.send(peer, b.build());
            return;
        }
        List<Message> all = new ArrayList<>(b.messages);
        b.messages.clear();
        int i = 0;
        long size = 0;
        while (i < all.size() && (b.messages.isEmpty() || size + all.get(i).size() <= budget)) {
            size += all.get(i).size();
            b.messages.add(all.get(i++));
        }
        out.send(peer, b.build());
        while (i < all.size()) {
            List<Message> chunk = new ArrayList<>();
            size = 0;
            while (i < all.size() && (chunk.isEmpty() || size + all.get(i).size() <= budget)) {
                size += all.get(i).size();
                chunk.add(all.get(i++));
            }
            out.send(peer, Rpc.ofMessages(chunk));
        }
    }

    /** For tests: the number of peers with an unkept IWANT promise. */
    int promiseCount() {
        return promises.size();
    }

    Collection<String> meshTopics() {
        return mesh.keySet();
    }
}
