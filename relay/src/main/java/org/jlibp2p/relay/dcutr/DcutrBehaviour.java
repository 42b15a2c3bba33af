package org.jlibp2p.relay.dcutr;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.core.util.Closeables;
import org.jlibp2p.proto.holepunch.HolePunchProtos.HolePunch;

/**
 * Direct Connection Upgrade through Relay ({@value #PROTOCOL_ID}): when a relayed connection comes in, this node
 * (the spec's B) opens a DCUtR stream over it, sends CONNECT with its observed addresses, measures the round trip
 * by the answer (A's addresses), sends SYNC, waits half the round trip and dials A's addresses, while A dials B's
 * the moment SYNC arrives: a TCP simultaneous open through both NATs. The direct dials go through {@code direct}
 * (a {@code TcpTransport.withPortReuse()}, the node's own, so that they leave from its listening port); B secures
 * the punched connection as the initiator, A as the responder, as go-libp2p assigns them. Up to
 * {@link DcutrConfig#maxAttempts} rounds on the same stream. Once the direct connection exists, new streams take it,
 * and each side closes the relayed connection as soon as no stream runs on it, which frees the relay's circuit.
 */
public final class DcutrBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/libp2p/dcutr";
    private static final System.Logger LOG = System.getLogger(DcutrBehaviour.class.getName());
    /** Observed addresses kept, newest first out of the way of the oldest. */
    private static final int MAX_OBSERVED = 16;
    /** How often a relayed connection replaced by a direct one is looked at, to close it once idle. */
    static final Duration RETIRE_CHECK = Duration.ofMillis(200);

    private final Transport direct;
    private final DcutrConfig config;
    private final AddressSource source;
    private BehaviourContext context;
    private final LinkedHashSet<Multiaddr> observed = new LinkedHashSet<>(); // guarded by itself

    public DcutrBehaviour(Transport direct) {
        this(direct, DcutrConfig.defaults(), null);
    }

    /** With {@code source} null, the observed addresses reported by other behaviours (identify) are used. */
    public DcutrBehaviour(Transport direct, DcutrConfig config, AddressSource source) {
        this.direct = direct;
        this.config = config;
        this.source = source;
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(PROTOCOL_ID);
        context.allowOnLimitedConnections(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        return stream -> respond(hc, stream);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.ExternalAddressCandidate(Multiaddr a) -> remember(a);
            case SwarmEvent.ExternalAddressConfirmed(Multiaddr a) -> remember(a);
            case SwarmEvent.ConnectionEstablished(Connection c) when c.limited()
                    && c.direction() == Direction.INBOUND -> {
                PeerId peer = c.remotePeer();
                context.spawn("dcutr-" + peer, () -> initiate(c));
            }
            default -> { }
        }
    }

    private void remember(Multiaddr a) {
        if (a.component(Protocol.P2P_CIRCUIT).isPresent() || !direct.canDial(a)) {
            return;
        }
        synchronized (observed) {
            observed.remove(a);
            observed.add(a);
            while (observed.size() > MAX_OBSERVED) {
                observed.remove(observed.iterator().next());
            }
        }
    }

    /** The addresses sent in CONNECT: the source's, or the newest observed ones. */
    List<Multiaddr> ownAddresses() {
        List<Multiaddr> all;
        if (source != null) {
            all = source.addresses();
        } else {
            synchronized (observed) {
                all = new ArrayList<>(observed).reversed();
            }
        }
        return all.stream().filter(a -> a.component(Protocol.P2P_CIRCUIT).isEmpty()).map(Multiaddr::withoutPeerId)
                .filter(direct::canDial).distinct().limit(DcutrCodec.MAX_ADDRS).toList();
    }

    private boolean hasDirect(PeerId peer) {
        return context.connections().stream().anyMatch(c -> c.remotePeer().equals(peer) && !c.limited()
                && c.isOpen());
    }

    // ---------------------------------------------------------------- B: the initiator

    private void initiate(Connection relayed) throws IOException {
        PeerId peer = relayed.remotePeer();
        if (hasDirect(peer)) {
            return;
        }
        PunchRounds rounds = new PunchRounds(config.maxAttempts());
        String reason = "no attempt";
        try (Stream s = relayed.newStream(PROTOCOL_ID)) {
            s.setReadTimeout(config.streamTimeout());
            while (rounds.state() != PunchRounds.State.DONE) {
                List<Multiaddr> mine = ownAddresses();
                if (mine.isEmpty()) {
                    reason = "this node knows no observed address of its own";
                    break;
                }
                rounds.connectSent(context.scheduler().now());
                DcutrCodec.write(s.output(), DcutrCodec.connect(mine));
                HolePunch answer = DcutrCodec.expect(s.input(), HolePunch.Type.CONNECT);
                Duration wait = rounds.connectReceived(context.scheduler().now());
                List<Multiaddr> theirs = dialable(DcutrCodec.addrs(answer));
                DcutrCodec.write(s.output(), DcutrCodec.sync());
                if (theirs.isEmpty()) {
                    reason = "the peer sent no address to dial";
                    rounds.dialFailed();
                    break;
                }
                sleep(wait);
                Optional<Connection> c = punch(peer, theirs, Direction.OUTBOUND);
                if (c.isPresent()) {
                    rounds.succeeded();
                    succeeded(relayed, c.get(), rounds.attempt(), rounds.rtt(), true);
                    return;
                }
                reason = "no direct connection after round " + rounds.attempt();
                rounds.dialFailed();
            }
        } catch (IOException e) {
            reason = e.getMessage();
        }
        if (hasDirect(peer)) {
            context.connections().stream().filter(c -> c.remotePeer().equals(peer) && !c.limited()).findFirst()
                    .ifPresent(c -> succeeded(relayed, c, rounds.attempt(), rounds.rtt(), true));
            return;
        }
        String why = reason;
        LOG.log(System.Logger.Level.DEBUG, () -> "hole punching with " + peer + " failed: " + why);
        context.emit(new DcutrEvent.UpgradeFailed(peer, rounds.attempt(), String.valueOf(why), true));
    }

    // ---------------------------------------------------------------- A: the responder

    private void respond(HandlerContext hc, Stream s) throws IOException {
        Connection relayed = hc.connection();
        PeerId peer = relayed.remotePeer();
        if (!relayed.limited()) {
            s.reset(); // hole punching over a direct connection makes no sense
            return;
        }
        s.setReadTimeout(config.streamTimeout());
        int round = 0;
        String reason = "the peer ended the exchange";
        Instant connectAt = Instant.EPOCH;
        while (round < config.maxAttempts()) {
            HolePunch connect;
            try {
                connect = DcutrCodec.read(s.input());
            } catch (java.io.EOFException e) {
                break;
            }
            if (connect.getType() != HolePunch.Type.CONNECT) {
                throw new org.jlibp2p.relay.RelayProtocolException("expected CONNECT, got " + connect.getType());
            }
            round++;
            List<Multiaddr> theirs = dialable(DcutrCodec.addrs(connect));
            connectAt = context.scheduler().now();
            DcutrCodec.write(s.output(), DcutrCodec.connect(ownAddresses()));
            DcutrCodec.expect(s.input(), HolePunch.Type.SYNC);
            Duration rtt = Duration.between(connectAt, context.scheduler().now());
            if (theirs.isEmpty()) {
                reason = "the peer sent no address to dial";
                continue;
            }
            Optional<Connection> c = punch(peer, theirs, Direction.INBOUND);
            if (c.isPresent()) {
                succeeded(relayed, c.get(), round, rtt, false);
                return;
            }
            reason = "no direct connection after round " + round;
        }
        if (!hasDirect(peer)) {
            context.emit(new DcutrEvent.UpgradeFailed(peer, round, reason, false));
        }
    }

    // ---------------------------------------------------------------- the punch

    private List<Multiaddr> dialable(List<Multiaddr> addrs) {
        return addrs.stream().filter(a -> a.component(Protocol.P2P_CIRCUIT).isEmpty()).map(Multiaddr::withoutPeerId)
                .filter(direct::canDial).distinct().limit(8).toList();
    }

    /**
     * Dials every address at once through the direct transport; the first connection made is upgraded in
     * {@code role}. Empty if none was made, or its upgrade failed, and no direct connection came in meanwhile.
     */
    private Optional<Connection> punch(PeerId peer, List<Multiaddr> addrs, Direction role) throws IOException {
        List<Callable<RawConnection>> dials = new ArrayList<>();
        for (Multiaddr a : addrs) {
            dials.add(() -> direct.dial(a, config.dialTimeout()));
        }
        RawConnection raw = null;
        try (ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            raw = exec.invokeAny(dials, config.dialTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "direct dials to " + peer + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hole punching");
        }
        if (raw != null) {
            Optional<Connection> c = upgradeUnlessOvertaken(raw, role, peer);
            if (c.isPresent()) {
                return c;
            }
        }
        // The other side's dial may have reached our listener instead.
        return context.connections().stream().filter(c -> c.remotePeer().equals(peer) && !c.limited()
                && c.isOpen()).findFirst();
    }

    /**
     * Upgrades the punched connection, giving up as soon as another direct connection to {@code peer} is registered:
     * without a NAT in between (or behind one that lets anything in), this side's dial may reach the peer's listener,
     * which answers it as a responder, as this side does: that handshake would only end at its timeout, while the
     * peer's own dial gets through another way.
     */
    private Optional<Connection> upgradeUnlessOvertaken(RawConnection raw, Direction role, PeerId peer)
            throws InterruptedIOException {
        java.util.concurrent.CompletableFuture<Connection> up = new java.util.concurrent.CompletableFuture<>();
        Thread t = Thread.ofVirtual().name("dcutr-upgrade-" + peer).start(() -> {
            try {
                up.complete(context.upgrade(raw, role, peer));
            } catch (IOException | RuntimeException e) {
                up.completeExceptionally(e);
            }
        });
        try {
            // Bounded by the swarm's handshake timeout, which fails the upgrade; the count bounds it too.
            for (int i = 0; i < 1200 && !up.isDone(); i++) {
                if (hasOtherDirect(peer, raw)) {
                    Closeables.closeQuietly(raw);
                    break;
                }
                try {
                    up.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // look again
                }
            }
            return Optional.of(up.get(1, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            Closeables.closeQuietly(raw);
            LOG.log(System.Logger.Level.DEBUG, () -> "punched connection to " + peer + " failed its upgrade: " + e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Closeables.closeQuietly(raw);
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while upgrading a punched connection");
        }
    }

    /** Whether a direct connection to {@code peer} other than the one {@code raw} is becoming exists. */
    private boolean hasOtherDirect(PeerId peer, RawConnection raw) {
        return context.connections().stream().anyMatch(c -> c.remotePeer().equals(peer) && !c.limited()
                && c.isOpen() && !(c.remoteAddress().equals(raw.remoteAddress())
                        && c.localAddress().equals(raw.localAddress())));
    }

    private void succeeded(Connection relayed, Connection c, int attempt, Duration rtt, boolean initiator) {
        Duration elapsed = Duration.between(relayed.opened(), context.scheduler().now());
        LOG.log(System.Logger.Level.DEBUG, () -> "direct connection to " + c.remotePeer() + " at "
                + c.remoteAddress() + " after " + attempt + " round(s)");
        context.emit(new DcutrEvent.DirectConnectionUpgraded(c.remotePeer(), attempt, rtt, elapsed,
                c.remoteAddress(), initiator));
        context.execute(() -> retireWhenIdle(relayed));
    }

    /**
     * On the behaviour's thread: closes the relayed connection once it carries no stream (new streams take the direct
     * one), freeing the relay's circuit; looked at every {@link #RETIRE_CHECK}. Streams still running on it finish
     * first; the relay's own limit ends it anyway.
     */
    private void retireWhenIdle(Connection relayed) {
        Cancellable[] check = new Cancellable[1];
        Runnable look = () -> {
            if (!relayed.isOpen()) {
                check[0].cancel();
            } else if (relayed.streamCount() == 0) {
                check[0].cancel();
                LOG.log(System.Logger.Level.DEBUG, () -> "closing " + relayed + ": the direct connection took over");
                relayed.close();
            }
        };
        check[0] = context.every(RETIRE_CHECK, look);
        look.run();
    }

    private void sleep(Duration d) throws InterruptedIOException {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        var timer = context.scheduler().schedule(d, done::countDown);
        try {
            // Bounded in real time as well, should the node's clock stand still.
            done.await(Math.min(d.toMillis() + 1000, 10_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } finally {
            timer.cancel();
        }
    }
}
