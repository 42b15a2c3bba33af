package org.jlibp2p.relay;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
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
import org.jlibp2p.proto.circuit.CircuitProtos;
import org.jlibp2p.proto.circuit.CircuitProtos.HopMessage;
import org.jlibp2p.proto.circuit.CircuitProtos.StopMessage;

/**
 * The client of circuit relay v2: reserves a slot on relays ({@link #reserve}) and renews it before it expires,
 * advertises {@code <relay address>/p2p/<relay>/p2p-circuit} as an external address while the reservation holds,
 * accepts circuits relays open to it ({@value RelayService#STOP_PROTOCOL_ID}) as limited inbound connections, and
 * opens circuits through a relay for {@link RelayTransport}. Circuits are taken only from relays this node holds a
 * reservation with, at most {@code maxInboundCircuits} at once.
 */
public final class RelayClient implements Behaviour {
    private static final System.Logger LOG = System.getLogger(RelayClient.class.getName());
    static final Multiaddr CIRCUIT = circuit();
    /** Renewal happens once this share of a reservation's lifetime has passed. */
    private static final double RENEW_AT = 0.75;

    private final int maxInboundCircuits;
    private BehaviourContext context;
    private final Map<PeerId, Reservation> reservations = new ConcurrentHashMap<>();
    private final Map<PeerId, Cancellable> renewals = new HashMap<>(); // behaviour thread
    private final Map<Long, HandlerContext> handlers = new HashMap<>(); // behaviour thread
    private final AtomicInteger inbound = new AtomicInteger();

    /** At most 64 relayed connections accepted at once. */
    public RelayClient() {
        this(64);
    }

    public RelayClient(int maxInboundCircuits) {
        if (maxInboundCircuits < 1) {
            throw new IllegalArgumentException("maxInboundCircuits < 1");
        }
        this.maxInboundCircuits = maxInboundCircuits;
    }

    private static Multiaddr circuit() {
        try {
            return Multiaddr.parse("/p2p-circuit");
        } catch (MultiaddrException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(RelayService.STOP_PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        handlers.put(hc.connection().id(), hc);
        if (reservations.containsKey(hc.remotePeer()) && !hc.connection().limited()) {
            hc.keepAlive(true);
        }
        return stream -> handleStop(hc, stream);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (event instanceof SwarmEvent.ConnectionClosed(Connection c, var cause)) {
            handlers.remove(c.id());
            PeerId p = c.remotePeer();
            if (!c.limited() && reservations.containsKey(p) && context.connections().stream()
                    .noneMatch(o -> o.remotePeer().equals(p) && !o.limited() && o.isOpen() && o.id() != c.id())) {
                lose(p, "disconnected from the relay");
            }
        }
    }

    /** The reservations held now, one per relay. */
    public List<Reservation> reservations() {
        return List.copyOf(reservations.values());
    }

    /**
     * Reserves a slot on {@code relay} (dialled at {@code addresses} if not connected), keeps its connection open and
     * renews the reservation until it is refused or the relay disconnects. Blocking.
     *
     * @throws RelayException if the relay refused (e.g. {@code RESERVATION_REFUSED} when it is full)
     * @throws RelayProtocolException if its answer is malformed or its voucher is not its own
     */
    public Reservation reserve(PeerId relay, Collection<Multiaddr> addresses) throws IOException {
        if (!addresses.isEmpty()) {
            context.peerstore().addAddresses(relay, addresses);
        }
        Stream s = context.openStream(relay, List.of(RelayService.HOP_PROTOCOL_ID));
        try {
            s.setReadTimeout(RelayService.HANDSHAKE_TIMEOUT);
            CircuitCodec.write(s.output(), HopMessage.newBuilder().setType(HopMessage.Type.RESERVE).build());
            HopMessage reply = CircuitCodec.readHop(s.input());
            if (reply.getType() != HopMessage.Type.STATUS) {
                throw new RelayProtocolException("relay answered a reservation with " + reply.getType());
            }
            RelayStatus status = CircuitCodec.status(reply.getStatusValue());
            if (status != RelayStatus.OK) {
                throw new RelayException(status, "relay " + relay + " refused the reservation");
            }
            if (!reply.hasReservation() || !reply.getReservation().hasExpire()) {
                throw new RelayProtocolException("relay accepted a reservation without its expiry");
            }
            CircuitProtos.Reservation r = reply.getReservation();
            Instant now = context.scheduler().now();
            long expireSeconds = r.getExpire();
            if (expireSeconds < 0 || expireSeconds > Instant.MAX.getEpochSecond()) {
                throw new RelayProtocolException("reservation expiry out of range");
            }
            Instant expire = Instant.ofEpochSecond(expireSeconds);
            if (!expire.isAfter(now)) {
                throw new RelayProtocolException("reservation expired already");
            }
            Optional<ReservationVoucher> voucher = Optional.empty();
            if (r.hasVoucher()) {
                ReservationVoucher v = ReservationVoucher.open(r.getVoucher().toByteArray());
                if (!v.relay().equals(relay) || !v.peer().equals(context.localPeer())) {
                    throw new RelayProtocolException("voucher for another relay or peer");
                }
                voucher = Optional.of(v);
            }
            List<Multiaddr> circuitAddrs = new ArrayList<>();
            List<Multiaddr> relayAddrs = new ArrayList<>(CircuitCodec.addrs(r.getAddrsList()));
            if (relayAddrs.isEmpty()) {
                relayAddrs.add(s.connection().remoteAddress());
            }
            for (Multiaddr a : relayAddrs) {
                if (a.component(Protocol.P2P_CIRCUIT).isPresent()) {
                    continue;
                }
                Optional<PeerId> id = a.peerIdMultihash().map(mh -> {
                    try {
                        return PeerId.fromBytes(mh.bytes());
                    } catch (IOException e) {
                        return null;
                    }
                });
                if (id.isPresent() && !id.get().equals(relay)) {
                    continue;
                }
                Multiaddr c = a.withPeerId(relay.multihash()).encapsulate(CIRCUIT);
                if (!circuitAddrs.contains(c)) {
                    circuitAddrs.add(c);
                }
            }
            RelayLimit limit = reply.hasLimit() ? CircuitCodec.limit(reply.getLimit()) : RelayLimit.NONE;
            Reservation res = new Reservation(relay, expire, circuitAddrs, limit, voucher);
            Reservation old = reservations.put(relay, res);
            context.execute(() -> held(res, old));
            context.emit(new RelayEvent.Reserved(res));
            return res;
        } catch (IOException | RuntimeException e) {
            s.reset();
            throw e;
        } finally {
            s.close();
        }
    }

    /** On the behaviour's thread: advertise, keep the connection, schedule the renewal. */
    private void held(Reservation res, Reservation old) {
        if (reservations.get(res.relay()) != res) {
            return;
        }
        if (old != null) {
            old.circuitAddresses().stream().filter(a -> !res.circuitAddresses().contains(a))
                    .forEach(context::removeExternalAddress);
        }
        Cancellable previous = renewals.remove(res.relay());
        if (previous != null) {
            previous.cancel();
        }
        Duration left = Duration.between(context.scheduler().now(), res.expire());
        Duration delay = Duration.ofMillis(Math.max(1000, (long) (left.toMillis() * RENEW_AT)));
        renewals.put(res.relay(), context.schedule(delay, () -> context.spawn("relay-renew-" + res.relay(), () -> {
            try {
                reserve(res.relay(), List.of());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "renewal with " + res.relay() + " failed: " + e);
                context.execute(() -> lose(res.relay(), "renewal failed: " + e.getMessage()));
            }
        })));
        handlers.values().stream().filter(h -> h.remotePeer().equals(res.relay()) && !h.connection().limited())
                .forEach(h -> h.keepAlive(true));
        res.circuitAddresses().forEach(context::confirmExternalAddress);
    }

    /**
     * Gives up the reservation with {@code relay}: no more renewals, its circuit addresses advertised no more, its
     * connection no longer kept open for it; a {@link RelayEvent.ReservationLost} follows. The relay forgets the slot
     * when it expires. Non-blocking.
     */
    public void release(PeerId relay) {
        context.execute(() -> lose(relay, "released"));
    }

    /** On the behaviour's thread: forget the reservation with {@code relay}. */
    private void lose(PeerId relay, String reason) {
        Reservation res = reservations.remove(relay);
        Cancellable renewal = renewals.remove(relay);
        if (renewal != null) {
            renewal.cancel();
        }
        if (res != null) {
            res.circuitAddresses().forEach(context::removeExternalAddress);
            handlers.values().stream().filter(h -> h.remotePeer().equals(relay)).forEach(h -> h.keepAlive(false));
            context.emit(new RelayEvent.ReservationLost(relay, reason));
        }
    }

    /**
     * Opens a circuit through {@code relay} to {@code target}, as a raw connection for the swarm to upgrade. Blocking.
     *
     * @throws RelayException if the relay or the target refused (e.g. {@code NO_RESERVATION})
     */
    RelayedConnection openCircuit(PeerId relay, Multiaddr relayAddress, PeerId target, Duration timeout)
            throws IOException {
        if (!relayAddress.withoutPeerId().isEmpty()) {
            context.peerstore().addAddresses(relay, List.of(relayAddress.withoutPeerId()));
        }
        Stream s = context.openStream(relay, List.of(RelayService.HOP_PROTOCOL_ID));
        try {
            s.setReadTimeout(timeout);
            HopMessage connect = HopMessage.newBuilder().setType(HopMessage.Type.CONNECT)
                    .setPeer(CircuitCodec.peer(target, List.of())).build();
            CircuitCodec.write(s.output(), connect);
            HopMessage reply = CircuitCodec.readHop(s.input());
            if (reply.getType() != HopMessage.Type.STATUS) {
                throw new RelayProtocolException("relay answered a connect with " + reply.getType());
            }
            RelayStatus status = CircuitCodec.status(reply.getStatusValue());
            if (status != RelayStatus.OK) {
                throw new RelayException(status, "relay " + relay + " refused the circuit to " + target);
            }
            s.setReadTimeout(Duration.ZERO);
            RelayLimit limit = reply.hasLimit() ? CircuitCodec.limit(reply.getLimit()) : RelayLimit.NONE;
            Multiaddr remote = s.connection().remoteAddress().withPeerId(relay.multihash()).encapsulate(CIRCUIT);
            return new RelayedConnection(s, CIRCUIT, remote, limit);
        } catch (IOException | RuntimeException e) {
            s.reset();
            throw e;
        }
    }

    // ---------------------------------------------------------------- stop

    private void handleStop(HandlerContext hc, Stream stream) throws IOException {
        stream.setReadTimeout(RelayService.HANDSHAKE_TIMEOUT);
        StopMessage msg;
        try {
            msg = CircuitCodec.readStop(stream.input());
        } catch (RelayProtocolException e) {
            // The answer, then the end of the stream: the sender loses only this stream.
            LOG.log(System.Logger.Level.DEBUG, () -> "malformed stop message from " + stream.remotePeer() + ": "
                    + e.getMessage());
            CircuitCodec.write(stream.output(), CircuitCodec.stopStatus(RelayStatus.MALFORMED_MESSAGE));
            return;
        }
        if (msg.getType() != StopMessage.Type.CONNECT) {
            CircuitCodec.write(stream.output(), CircuitCodec.stopStatus(RelayStatus.UNEXPECTED_MESSAGE));
            return;
        }
        if (!msg.hasPeer()) {
            CircuitCodec.write(stream.output(), CircuitCodec.stopStatus(RelayStatus.MALFORMED_MESSAGE));
            return;
        }
        PeerId src;
        try {
            src = CircuitCodec.peerId(msg.getPeer());
        } catch (RelayProtocolException e) {
            CircuitCodec.write(stream.output(), CircuitCodec.stopStatus(RelayStatus.MALFORMED_MESSAGE));
            return;
        }
        PeerId relay = hc.remotePeer();
        if (hc.connection().limited() || !reservations.containsKey(relay)) {
            CircuitCodec.write(stream.output(), CircuitCodec.stopStatus(RelayStatus.PERMISSION_DENIED));
            return;
        }
        if (inbound.incrementAndGet() > maxInboundCircuits) {
            inbound.decrementAndGet();
            CircuitCodec.write(stream.output(), CircuitCodec.stopStatus(RelayStatus.RESOURCE_LIMIT_EXCEEDED));
            return;
        }
        try {
            CircuitCodec.write(stream.output(), CircuitCodec.stopStatus(RelayStatus.OK));
            stream.setReadTimeout(Duration.ZERO);
            RelayLimit limit = msg.hasLimit() ? CircuitCodec.limit(msg.getLimit()) : RelayLimit.NONE;
            Multiaddr remote = hc.connection().remoteAddress().withPeerId(relay.multihash()).encapsulate(CIRCUIT);
            RelayedConnection raw = new RelayedConnection(stream, CIRCUIT, remote, limit);
            context.upgrade(raw, Direction.INBOUND, src);
            // The stream carries the connection: it stays with this thread until the connection ends.
            while (!raw.awaitClosed(Duration.ofSeconds(1))) {
                if (!hc.connection().isOpen()) {
                    raw.close();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inbound.decrementAndGet();
        }
    }
}
