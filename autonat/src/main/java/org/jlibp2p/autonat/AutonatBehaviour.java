package org.jlibp2p.autonat;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.autonat.internal.AutonatV1Codec;
import org.jlibp2p.autonat.internal.AutonatV2Codec;
import org.jlibp2p.autonat.internal.DialPolicy;
import org.jlibp2p.autonat.internal.RateLimiter;
import org.jlibp2p.autonat.internal.ReachabilityTracker;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.Cancellable;

/**
 * AutoNAT v1 ({@value #PROTOCOL_ID}) and v2 ({@value #V2_DIAL_REQUEST}, {@value #V2_DIAL_BACK}), client and server.
 *
 * <p>As a client (on by default) it asks connected peers that serve AutoNAT (v2 when they speak it, else v1) to dial
 * the node back at its listen, external and candidate addresses: up to {@link AutonatConfig#confirmations()} servers
 * a round, a round after {@link AutonatConfig#bootDelay()}, then every {@link AutonatConfig#retryInterval()} while
 * the answer is unknown and every {@link AutonatConfig#refreshInterval()} once settled. Each answer is reported
 * ({@link AutonatEvent.ProbeAnswered}); agreeing answers from distinct servers change the reachability
 * ({@link AutonatEvent.ReachabilityChanged}), and an address servers reached that the node does not listen on is
 * confirmed as an external address (withdrawn when the node turns private or unknown).
 *
 * <p>As a server (off by default) it dials clients back through a {@link DialBack} of its own, within the limits of
 * {@link AutonatConfig} (see there): it is never usable to make the node dial a third party.
 */
public final class AutonatBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/libp2p/autonat/1.0.0";
    public static final String V2_DIAL_REQUEST = "/libp2p/autonat/2/dial-request";
    public static final String V2_DIAL_BACK = "/libp2p/autonat/2/dial-back";
    /** The most candidate addresses remembered, and addresses sent in one request. */
    static final int MAX_ADDRESSES = 16;

    private static final Logger LOG = System.getLogger(AutonatBehaviour.class.getName());

    private final AutonatConfig config;
    private final DialBack dialBack;
    private final DialPolicy policy;
    private final RateLimiter v1Limiter;
    private final RateLimiter v2Limiter;
    private final SecureRandom random = new SecureRandom();
    /** Nonces of v2 probes in flight, set when the server's dial-back brought them; bounded by the probes. */
    private final Map<Long, AtomicBoolean> pendingNonces = new ConcurrentHashMap<>();
    private volatile BehaviourContext context;
    // Confined to the behaviour's thread.
    private final ReachabilityTracker tracker;
    private final LinkedHashSet<Multiaddr> candidates = new LinkedHashSet<>();
    private final Set<Multiaddr> confirmedByUs = new HashSet<>();
    private final Map<PeerId, Instant> asked = new java.util.HashMap<>();
    private int probesInFlight;
    private Cancellable nextRound;

    /** A client only ({@code config.server()} must be false: a server needs a {@link DialBack}). */
    public AutonatBehaviour(AutonatConfig config) {
        this(config, null);
    }

    /** A client and, when {@code config.server()}, a server dialling back through {@code dialBack}. */
    public AutonatBehaviour(AutonatConfig config, DialBack dialBack) {
        if (config.server() && dialBack == null) {
            throw new IllegalArgumentException("an AutoNAT server needs a DialBack");
        }
        this.config = config;
        this.dialBack = dialBack;
        this.policy = new DialPolicy(config.allowPrivateAddresses());
        this.v1Limiter = new RateLimiter(config.globalPerMinute(), config.perPeerPerMinute(),
                config.maxConcurrentDialBacks());
        this.v2Limiter = new RateLimiter(config.globalPerMinute() * 2, config.perPeerPerMinute() * 4,
                config.maxConcurrentDialBacks());
        this.tracker = new ReachabilityTracker(config.confirmations());
    }

    public AutonatConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- the application's view

    /** The node's reachability now. Blocking (waits for the behaviour's thread). */
    public Reachability reachability() throws InterruptedException {
        return context.call(tracker::reachability);
    }

    /** The address servers reached, while {@link Reachability#PUBLIC}. Blocking. */
    public Optional<Multiaddr> reachableAddress() throws InterruptedException {
        return context.call(tracker::address);
    }

    /** Starts a round of probes now (the next one follows on the usual schedule). Non-blocking. */
    public void probeNow() {
        context.execute(this::round);
    }

    // ---------------------------------------------------------------- behaviour

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        if (config.server()) {
            context.serve(PROTOCOL_ID);
            if (config.v2()) {
                context.serve(V2_DIAL_REQUEST);
            }
        }
        if (config.client()) {
            if (config.v2()) {
                context.serve(V2_DIAL_BACK);
            }
            nextRound = context.schedule(config.bootDelay(), this::round);
        }
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (event instanceof SwarmEvent.ExternalAddressCandidate(Multiaddr a) && !a.isEmpty()) {
            candidates.remove(a);
            candidates.add(a);
            if (candidates.size() > MAX_ADDRESSES) {
                candidates.remove(candidates.iterator().next());
            }
        }
    }

    @Override
    public void stop() {
        if (nextRound != null) {
            nextRound.cancel();
        }
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        return stream -> {
            switch (stream.protocol()) {
                case PROTOCOL_ID -> serveV1(hc, stream);
                case V2_DIAL_REQUEST -> serveV2(hc, stream);
                case V2_DIAL_BACK -> answerDialBack(stream);
                default -> stream.reset();
            }
        };
    }

    // ---------------------------------------------------------------- client

    /** One round of probes, on the behaviour's thread. */
    private void round() {
        if (nextRound != null) {
            nextRound.cancel();
        }
        Instant now = context.scheduler().now();
        asked.values().removeIf(t -> !t.plus(config.retryInterval()).isAfter(now));
        List<Multiaddr> addrs = probeAddresses();
        List<PeerId> servers = new ArrayList<>();
        Set<PeerId> seen = new HashSet<>();
        for (Connection c : context.connections()) {
            PeerId p = c.remotePeer();
            if (seen.add(p) && !asked.containsKey(p)) {
                Set<String> protocols = context.peerstore().protocols(p);
                if (protocols.contains(PROTOCOL_ID) || (config.v2() && protocols.contains(V2_DIAL_REQUEST))) {
                    servers.add(p);
                }
            }
        }
        Collections.shuffle(servers, random);
        int want = Math.max(0, config.confirmations() - probesInFlight);
        int started = 0;
        if (!addrs.isEmpty()) {
            for (PeerId server : servers.subList(0, Math.min(want, servers.size()))) {
                boolean v2 = config.v2() && context.peerstore().protocols(server).contains(V2_DIAL_REQUEST);
                asked.put(server, now);
                probesInFlight++;
                started++;
                context.spawn("autonat-probe " + server.toBase58(), () -> {
                    AutonatEvent.ProbeAnswered answer = v2 ? probeV2(server, addrs) : probeV1(server, addrs);
                    context.execute(() -> answered(answer));
                });
            }
        }
        boolean settled = tracker.reachability() != Reachability.UNKNOWN && started > 0;
        nextRound = context.schedule(settled ? config.refreshInterval() : config.retryInterval(), this::round);
    }

    /** What the node asks about: its listen, confirmed external and candidate addresses, at most 16. */
    private List<Multiaddr> probeAddresses() {
        LinkedHashSet<Multiaddr> all = new LinkedHashSet<>();
        all.addAll(context.listenAddresses());
        all.addAll(context.externalAddresses());
        List<Multiaddr> recent = new ArrayList<>(candidates);
        Collections.reverse(recent);
        all.addAll(recent);
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : all) {
            if (out.size() < MAX_ADDRESSES && !a.protocols().contains(Protocol.P2P_CIRCUIT) && policy.dialable(a)) {
                out.add(a.withoutPeerId());
            }
        }
        return out;
    }

    private AutonatEvent.ProbeAnswered probeV1(PeerId server, List<Multiaddr> addrs) {
        try (Stream s = context.openStream(server, List.of(PROTOCOL_ID))) {
            s.setReadTimeout(config.requestTimeout());
            AutonatV1Codec.write(s.output(), new AutonatV1Codec.Dial(context.localPeer(), addrs));
            if (!(AutonatV1Codec.read(s.input()) instanceof AutonatV1Codec.DialResponse r)) {
                return answer(server, PROTOCOL_ID, Reachability.UNKNOWN, null, "a DIAL instead of a response");
            }
            return switch (r.status()) {
                case OK -> answer(server, PROTOCOL_ID, Reachability.PUBLIC,
                        r.address().map(Multiaddr::withoutPeerId).filter(addrs::contains).orElse(null), r.text());
                case E_DIAL_ERROR -> answer(server, PROTOCOL_ID, Reachability.PRIVATE, null, r.text());
                default -> answer(server, PROTOCOL_ID, Reachability.UNKNOWN, null, r.status() + " " + r.text());
            };
        } catch (IOException e) {
            return answer(server, PROTOCOL_ID, Reachability.UNKNOWN, null, e.toString());
        }
    }

    private AutonatEvent.ProbeAnswered probeV2(PeerId server, List<Multiaddr> addrs) {
        long nonce = random.nextLong();
        AtomicBoolean dialledBack = new AtomicBoolean();
        pendingNonces.put(nonce, dialledBack);
        try (Stream s = context.openStream(server, List.of(V2_DIAL_REQUEST))) {
            s.setReadTimeout(config.requestTimeout());
            AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialRequest(addrs, nonce));
            long sent = 0;
            AutonatV2Codec.DialResponse response = null;
            for (int i = 0; i < 4 && response == null; i++) {
                switch (AutonatV2Codec.read(s.input())) {
                    case AutonatV2Codec.DialResponse r -> response = r;
                    case AutonatV2Codec.DialDataRequest d -> {
                        if (d.addressIndex() >= addrs.size() || d.bytes() + sent > config.dialDataMax()) {
                            return answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null,
                                    "server asked " + d.bytes() + " bytes of dial data: more than we send");
                        }
                        byte[] chunk = new byte[AutonatV2Codec.MAX_DATA_CHUNK];
                        for (long left = d.bytes(); left > 0; left -= chunk.length) {
                            byte[] part = left >= chunk.length ? chunk : new byte[(int) left];
                            AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialDataResponse(part));
                        }
                        sent += d.bytes();
                    }
                    default -> {
                        return answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null, "unexpected message");
                    }
                }
            }
            if (response == null) {
                return answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null, "no response");
            }
            if (response.status() != AutonatV2Codec.ResponseStatus.OK) {
                return answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null, response.status().toString());
            }
            if (response.addressIndex() >= addrs.size()) {
                return answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null, "address index out of range");
            }
            Multiaddr tested = addrs.get(response.addressIndex());
            return switch (response.dialStatus()) {
                case OK -> dialledBack.get()
                        ? answer(server, V2_DIAL_REQUEST, Reachability.PUBLIC, tested, "dialled back")
                        : answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null, "OK without a dial-back");
                case E_DIAL_ERROR -> answer(server, V2_DIAL_REQUEST, Reachability.PRIVATE, null, "dial error " + tested);
                default -> answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null, response.dialStatus().toString());
            };
        } catch (IOException e) {
            return answer(server, V2_DIAL_REQUEST, Reachability.UNKNOWN, null, e.toString());
        } finally {
            pendingNonces.remove(nonce);
        }
    }

    private static AutonatEvent.ProbeAnswered answer(PeerId server, String protocol, Reachability r, Multiaddr a,
            String detail) {
        return new AutonatEvent.ProbeAnswered(server, protocol, r, Optional.ofNullable(a), detail);
    }

    /** A v2 server dials back: the nonce must be one of ours in flight. */
    private void answerDialBack(Stream s) throws IOException {
        s.setReadTimeout(Duration.ofSeconds(10));
        AtomicBoolean flag = pendingNonces.get(AutonatV2Codec.readDialBack(s.input()));
        if (flag == null) {
            throw new AutonatException("dial-back with a nonce of no probe in flight");
        }
        flag.set(true);
        AutonatV2Codec.writeDialBackResponse(s.output());
    }

    private void answered(AutonatEvent.ProbeAnswered a) {
        probesInFlight--;
        context.emit(a);
        Reachability before = tracker.reachability();
        Optional<Multiaddr> addressBefore = tracker.address();
        boolean changed = tracker.answer(a.server(), a.answer(), a.address());
        Optional<Multiaddr> address = tracker.address();
        if (tracker.reachability() == Reachability.PUBLIC && address.isPresent()
                && !address.equals(addressBefore) && !context.listenAddresses().contains(address.get())) {
            confirmedByUs.add(address.get());
            context.confirmExternalAddress(address.get());
        }
        if (changed) {
            LOG.log(Level.DEBUG, "reachability {0} -> {1} {2}", before, tracker.reachability(), address);
            if (tracker.reachability() != Reachability.PUBLIC) {
                for (Multiaddr m : confirmedByUs) {
                    context.removeExternalAddress(m);
                }
                confirmedByUs.clear();
            }
            context.emit(new AutonatEvent.ReachabilityChanged(tracker.reachability(), address));
        }
    }

    // ---------------------------------------------------------------- server

    private void serveV1(HandlerContext hc, Stream s) throws IOException {
        s.setReadTimeout(config.requestTimeout());
        PeerId peer = hc.remotePeer();
        AutonatV1Codec.Message m;
        try {
            m = AutonatV1Codec.read(s.input());
        } catch (AutonatException e) {
            respondV1(s, AutonatV1Codec.Status.E_BAD_REQUEST, "malformed request", null);
            throw e;
        }
        if (!(m instanceof AutonatV1Codec.Dial dial)) {
            respondV1(s, AutonatV1Codec.Status.E_BAD_REQUEST, "expected a DIAL", null);
            return;
        }
        if (!dial.peer().equals(peer)) {
            respondV1(s, AutonatV1Codec.Status.E_BAD_REQUEST, "peer id mismatch", null);
            return;
        }
        Multiaddr observed = hc.connection().remoteAddress();
        List<Multiaddr> targets = policy.v1Targets(dial.addresses(), observed);
        if (targets.isEmpty()) {
            respondV1(s, AutonatV1Codec.Status.E_DIAL_REFUSED, "no dialable addresses", null);
            return;
        }
        String refused = v1Limiter.admit(peer, hc.scheduler().now());
        if (refused != null) {
            respondV1(s, AutonatV1Codec.Status.E_DIAL_REFUSED, refused, null);
            return;
        }
        Multiaddr reached = null;
        try {
            Instant deadline = hc.scheduler().now().plus(config.dialTimeout());
            for (Multiaddr target : targets) {
                if (!hc.scheduler().now().isBefore(deadline)) {
                    break;
                }
                if (dialBackTo(hc, peer, target)) {
                    reached = target;
                    break;
                }
            }
        } finally {
            v1Limiter.done(peer); // before the answer: a client's next request may follow it at once
        }
        if (reached != null) {
            respondV1(s, AutonatV1Codec.Status.OK, "OK", reached);
        } else {
            respondV1(s, AutonatV1Codec.Status.E_DIAL_ERROR, "dial failed", null);
        }
    }

    private boolean dialBackTo(HandlerContext hc, PeerId peer, Multiaddr target) {
        boolean ok;
        try (Connection c = dialBack.dial(peer, target)) {
            ok = c.remotePeer().equals(peer);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "dial-back to {0} at {1} failed: {2}", peer, target, e.toString());
            ok = false;
        }
        boolean reached = ok;
        hc.toBehaviour(() -> context.emit(new AutonatEvent.DialedBack(peer, target, reached)));
        return ok;
    }

    private static void respondV1(Stream s, AutonatV1Codec.Status status, String text, Multiaddr addr)
            throws IOException {
        AutonatV1Codec.write(s.output(), new AutonatV1Codec.DialResponse(status, text, Optional.ofNullable(addr)));
        s.closeOutput();
    }

    private void serveV2(HandlerContext hc, Stream s) throws IOException {
        s.setReadTimeout(config.requestTimeout());
        PeerId peer = hc.remotePeer();
        if (!(AutonatV2Codec.read(s.input()) instanceof AutonatV2Codec.DialRequest request)) {
            throw new AutonatException("expected a dial request");
        }
        String refused = v2Limiter.admit(peer, hc.scheduler().now());
        if (refused != null) {
            respondV2(s, AutonatV2Codec.ResponseStatus.E_REQUEST_REJECTED, 0, AutonatV2Codec.DialStatus.UNUSED);
            return;
        }
        boolean released = false;
        try {
            int index = -1;
            for (int i = 0; i < request.addresses().size(); i++) {
                if (policy.dialable(request.addresses().get(i))) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                respondV2(s, AutonatV2Codec.ResponseStatus.E_DIAL_REFUSED, 0, AutonatV2Codec.DialStatus.UNUSED);
                return;
            }
            Multiaddr target = request.addresses().get(index).withoutPeerId();
            if (!DialPolicy.sameIp(target, hc.connection().remoteAddress())) {
                receiveDialData(s, index, hc.scheduler().now().plus(config.requestTimeout()), hc);
            }
            AutonatV2Codec.DialStatus status;
            try (Connection c = dialBack.dial(peer, target)) {
                try (Stream back = c.newStream(List.of(V2_DIAL_BACK))) {
                    back.setReadTimeout(config.dialTimeout());
                    AutonatV2Codec.writeDialBack(back.output(), request.nonce());
                    back.closeOutput();
                    AutonatV2Codec.readDialBackResponse(back.input());
                    status = AutonatV2Codec.DialStatus.OK;
                } catch (IOException e) {
                    status = AutonatV2Codec.DialStatus.E_DIAL_BACK_ERROR;
                }
            } catch (IOException e) {
                status = AutonatV2Codec.DialStatus.E_DIAL_ERROR;
            }
            boolean reached = status != AutonatV2Codec.DialStatus.E_DIAL_ERROR;
            hc.toBehaviour(() -> context.emit(new AutonatEvent.DialedBack(peer, target, reached)));
            v2Limiter.done(peer); // before the answer: a client's next request may follow it at once
            released = true;
            respondV2(s, AutonatV2Codec.ResponseStatus.OK, index, status);
        } finally {
            if (!released) {
                v2Limiter.done(peer);
            }
        }
    }

    /**
     * Before dialling an IP that is not the requester's, the requester pays in bytes: a random amount between the
     * configured bounds, at most one message per 100 bytes asked (plus slack), all within the request timeout (so
     * that a slow payer cannot hold one of the few dial-back slots for long).
     */
    private void receiveDialData(Stream s, int index, Instant deadline, HandlerContext hc) throws IOException {
        long wanted = config.dialDataMin() + random.nextInt(config.dialDataMax() - config.dialDataMin() + 1);
        AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialDataRequest(index, wanted));
        long got = 0;
        long messages = wanted / 100 + 16;
        while (got < wanted) {
            if (messages-- == 0) {
                throw new AutonatException("dial data in too many small pieces");
            }
            Duration left = Duration.between(hc.scheduler().now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new AutonatException("dial data not sent within " + config.requestTimeout());
            }
            s.setReadTimeout(left);
            if (!(AutonatV2Codec.read(s.input()) instanceof AutonatV2Codec.DialDataResponse d)) {
                throw new AutonatException("expected dial data");
            }
            got += d.data().length;
        }
    }

    private static void respondV2(Stream s, AutonatV2Codec.ResponseStatus status, int index,
            AutonatV2Codec.DialStatus dial) throws IOException {
        AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialResponse(status, index, dial));
        s.closeOutput();
    }
}
