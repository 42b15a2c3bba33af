package org.jlibp2p.relay;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.multiaddr.Component;
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
import org.jlibp2p.proto.circuit.CircuitProtos;
import org.jlibp2p.proto.circuit.CircuitProtos.HopMessage;
import org.jlibp2p.proto.circuit.CircuitProtos.StopMessage;
import org.jlibp2p.relay.internal.ReservationTable;

/**
 * The relay service of circuit relay v2 ({@value #HOP_PROTOCOL_ID}): grants reservations (with signed vouchers)
 * and relays circuits to peers holding one, each circuit cut at the configured time and data limit. Reservations
 * and circuits are counted in a {@link ReservationTable} owned by the behaviour's thread; the handshake and the
 * copying of a circuit run on the hop stream's handler thread. A reservation ends with its holder's last direct
 * connection to the relay.
 */
public final class RelayService implements Behaviour {
    public static final String HOP_PROTOCOL_ID = "/libp2p/circuit/relay/0.2.0/hop";
    public static final String STOP_PROTOCOL_ID = "/libp2p/circuit/relay/0.2.0/stop";
    /** How long a peer has to send its request, and the destination to answer the stop handshake (go's 1 min). */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(RelayService.class.getName());

    private final RelayConfig config;
    private BehaviourContext context;
    private ReservationTable table; // behaviour thread only
    private final AtomicLong bytesRelayed = new AtomicLong();

    public RelayService(RelayConfig config) {
        this.config = config;
    }

    public RelayService() {
        this(RelayConfig.defaults());
    }

    public RelayConfig config() {
        return config;
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        this.table = new ReservationTable(config.reservationTtl(), config.maxReservations(),
                config.maxReservationsPerIp(), config.maxCircuits());
        context.serve(HOP_PROTOCOL_ID);
        context.every(Duration.ofMinutes(1), () -> table.expire(context.scheduler().now()));
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        return stream -> handleHop(hc, stream);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (event instanceof SwarmEvent.ConnectionClosed(Connection c, var cause) && !c.limited()) {
            PeerId p = c.remotePeer();
            boolean stillDirect = context.connections().stream()
                    .anyMatch(o -> o.remotePeer().equals(p) && !o.limited() && o.isOpen() && o.id() != c.id());
            if (!stillDirect) {
                table.drop(p);
            }
        }
    }

    /** The peers holding reservations now, with their expiry. Blocking (asks the behaviour's thread). */
    public Map<PeerId, Instant> reservations() throws InterruptedException {
        return context.call(() -> {
            table.expire(context.scheduler().now());
            return table.reservations();
        });
    }

    /** Circuits open now. Blocking. */
    public int circuitCount() throws InterruptedException {
        return context.call(() -> table.circuitCount());
    }

    /** Bytes relayed so far, both directions of every circuit. */
    public long bytesRelayed() {
        return bytesRelayed.get();
    }

    // ---------------------------------------------------------------- hop

    private void handleHop(HandlerContext hc, Stream stream) throws IOException {
        stream.setReadTimeout(HANDSHAKE_TIMEOUT);
        HopMessage msg;
        try {
            msg = CircuitCodec.readHop(stream.input());
        } catch (RelayProtocolException e) {
            // The answer, then the end of the stream: the sender loses only this stream.
            LOG.log(System.Logger.Level.DEBUG, () -> "malformed hop message from " + stream.remotePeer() + ": "
                    + e.getMessage());
            CircuitCodec.write(stream.output(), CircuitCodec.hopStatus(RelayStatus.MALFORMED_MESSAGE));
            return;
        }
        switch (msg.getType()) {
            case RESERVE -> reserve(hc, stream);
            case CONNECT -> connect(hc, stream, msg);
            default -> CircuitCodec.write(stream.output(), CircuitCodec.hopStatus(RelayStatus.UNEXPECTED_MESSAGE));
        }
    }

    private void reserve(HandlerContext hc, Stream stream) throws IOException {
        Connection c = hc.connection();
        PeerId peer = c.remotePeer();
        if (c.limited()) {
            refuseReservation(stream, peer, RelayStatus.PERMISSION_DENIED);
            return;
        }
        Optional<String> ip = ipOf(c.remoteAddress());
        ReservationTable.Outcome outcome = onBehaviour(() -> table.reserve(peer, ip, context.scheduler().now()));
        if (outcome.status() != RelayStatus.OK) {
            refuseReservation(stream, peer, outcome.status());
            return;
        }
        long expire = outcome.expire().getEpochSecond();
        byte[] voucher = new ReservationVoucher(context.localPeer(), peer, Instant.ofEpochSecond(expire))
                .seal(context.identity());
        CircuitProtos.Reservation.Builder r = CircuitProtos.Reservation.newBuilder().setExpire(expire)
                .setVoucher(ByteString.copyFrom(voucher));
        for (Multiaddr a : relayAddresses()) {
            r.addAddrs(ByteString.copyFrom(a.bytes()));
        }
        HopMessage reply = HopMessage.newBuilder().setType(HopMessage.Type.STATUS)
                .setStatus(CircuitProtos.Status.OK).setReservation(r)
                .setLimit(CircuitCodec.limit(config.limit())).build();
        CircuitCodec.write(stream.output(), reply);
        stream.closeOutput();
        context.emit(new RelayEvent.ReservationAccepted(peer, outcome.expire()));
    }

    private void refuseReservation(Stream stream, PeerId peer, RelayStatus status) throws IOException {
        LOG.log(System.Logger.Level.DEBUG, () -> "reservation of " + peer + " refused: " + status);
        CircuitCodec.write(stream.output(), CircuitCodec.hopStatus(status));
        context.emit(new RelayEvent.ReservationRefused(peer, status));
    }

    /** The relay's own addresses, each ending with /p2p/relay, for reservations. */
    private List<Multiaddr> relayAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        List<Multiaddr> all = new ArrayList<>(context.externalAddresses());
        all.addAll(context.listenAddresses());
        for (Multiaddr a : all) {
            if (a.component(Protocol.P2P_CIRCUIT).isPresent()) {
                continue;
            }
            Multiaddr full = a.withPeerId(context.localPeer().multihash());
            if (!out.contains(full) && out.size() < CircuitCodec.MAX_ADDRS) {
                out.add(full);
            }
        }
        return out;
    }

    private void connect(HandlerContext hc, Stream stream, HopMessage msg) throws IOException {
        PeerId src = hc.remotePeer();
        if (!msg.hasPeer()) {
            CircuitCodec.write(stream.output(), CircuitCodec.hopStatus(RelayStatus.MALFORMED_MESSAGE));
            return;
        }
        PeerId dst;
        try {
            dst = CircuitCodec.peerId(msg.getPeer());
        } catch (RelayProtocolException e) {
            // The answer, then the end of the stream: the sender loses only this stream.
            LOG.log(System.Logger.Level.DEBUG, () -> "malformed hop message from " + stream.remotePeer() + ": "
                    + e.getMessage());
            CircuitCodec.write(stream.output(), CircuitCodec.hopStatus(RelayStatus.MALFORMED_MESSAGE));
            return;
        }
        if (hc.connection().limited() || dst.equals(src)) {
            refuseCircuit(stream, src, dst, RelayStatus.PERMISSION_DENIED);
            return;
        }
        RelayStatus admitted = onBehaviour(() -> table.openCircuit(src, dst, context.scheduler().now()));
        if (admitted != RelayStatus.OK) {
            refuseCircuit(stream, src, dst, admitted);
            return;
        }
        try {
            Stream stop = openStop(src, dst);
            if (stop == null) {
                refuseCircuit(stream, src, dst, RelayStatus.CONNECTION_FAILED);
                return;
            }
            HopMessage ok = HopMessage.newBuilder().setType(HopMessage.Type.STATUS)
                    .setStatus(CircuitProtos.Status.OK).setLimit(CircuitCodec.limit(config.limit())).build();
            CircuitCodec.write(stream.output(), ok);
            context.emit(new RelayEvent.CircuitOpened(src, dst));
            splice(hc, src, dst, stream, stop);
        } finally {
            context.execute(() -> table.closeCircuit(src, dst));
        }
    }

    private void refuseCircuit(Stream stream, PeerId src, PeerId dst, RelayStatus status) throws IOException {
        LOG.log(System.Logger.Level.DEBUG, () -> "circuit " + src + " -> " + dst + " refused: " + status);
        CircuitCodec.write(stream.output(), CircuitCodec.hopStatus(status));
        context.emit(new RelayEvent.CircuitRefused(src, dst, status));
    }

    /** Opens the stop stream to {@code dst} over a direct connection and runs its handshake; null on refusal. */
    private Stream openStop(PeerId src, PeerId dst) {
        boolean direct = context.connections().stream()
                .anyMatch(c -> c.remotePeer().equals(dst) && !c.limited() && c.isOpen());
        if (!direct) {
            return null;
        }
        Stream stop = null;
        try {
            stop = context.openStream(dst, List.of(STOP_PROTOCOL_ID));
            stop.setReadTimeout(HANDSHAKE_TIMEOUT);
            StopMessage connect = StopMessage.newBuilder().setType(StopMessage.Type.CONNECT)
                    .setPeer(CircuitCodec.peer(src, List.of())).setLimit(CircuitCodec.limit(config.limit())).build();
            CircuitCodec.write(stop.output(), connect);
            StopMessage answer = CircuitCodec.readStop(stop.input());
            if (answer.getType() != StopMessage.Type.STATUS
                    || CircuitCodec.status(answer.getStatusValue()) != RelayStatus.OK) {
                stop.reset();
                return null;
            }
            stop.setReadTimeout(Duration.ZERO);
            return stop;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "stop handshake with " + dst + " failed: " + e);
            if (stop != null) {
                stop.reset();
            }
            return null;
        }
    }

    /**
     * Copies both ways until both sides finish, either side fails, or the circuit reaches its limit (then both
     * streams are reset).
     */
    private void splice(HandlerContext hc, PeerId src, PeerId dst, Stream a, Stream b) throws IOException {
        a.setReadTimeout(Duration.ZERO);
        RelayLimit limit = config.limit();
        AtomicBoolean cut = new AtomicBoolean();
        AtomicBoolean failed = new AtomicBoolean();
        Runnable resetBoth = () -> {
            failed.set(true);
            a.reset();
            b.reset();
        };
        Runnable atLimit = () -> {
            cut.set(true);
            resetBoth.run();
        };
        Cancellable timer = limit.duration().isZero() ? Cancellable.NONE
                : context.scheduler().schedule(limit.duration(), atLimit);
        AtomicLong back = new AtomicLong();
        CountDownLatch backDone = new CountDownLatch(1);
        hc.spawn("relay-circuit-" + dst, () -> {
            try {
                back.set(copy(b, a, limit.data(), atLimit, resetBoth));
            } finally {
                backDone.countDown();
            }
        });
        long forth = 0;
        try {
            forth = copy(a, b, limit.data(), atLimit, resetBoth);
            // The other direction ends by itself or at the circuit's limit; a stuck side is cut at the time limit.
            long waitMs = limit.duration().isZero() ? Long.MAX_VALUE : limit.duration().toMillis() + 1000;
            if (!backDone.await(waitMs, TimeUnit.MILLISECONDS)) {
                resetBoth.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resetBoth.run();
        } finally {
            timer.cancel();
            if (!failed.get()) {
                b.close();
            }
            context.emit(new RelayEvent.CircuitClosed(src, dst, forth, back.get(), cut.get()));
        }
    }

    /** Copies {@code from} to {@code to} up to {@code max} bytes (0: no limit); returns the bytes copied. */
    private long copy(Stream from, Stream to, long max, Runnable atLimit, Runnable resetBoth) {
        byte[] buf = new byte[config.bufferSize()];
        long total = 0;
        InputStream in = from.input();
        OutputStream out = to.output();
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    to.closeOutput();
                    return total;
                }
                if (max > 0 && total + n > max) {
                    int allowed = (int) (max - total);
                    out.write(buf, 0, allowed);
                    out.flush();
                    total += allowed;
                    bytesRelayed.addAndGet(allowed);
                    atLimit.run();
                    return total;
                }
                out.write(buf, 0, n);
                out.flush();
                total += n;
                bytesRelayed.addAndGet(n);
            }
        } catch (IOException e) {
            resetBoth.run();
            return total;
        }
    }

    private <T> T onBehaviour(java.util.function.Supplier<T> query) throws IOException {
        try {
            return context.call(query);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    static Optional<String> ipOf(Multiaddr address) {
        for (Component c : address.components()) {
            if (c.protocol() == Protocol.IP4 || c.protocol() == Protocol.IP6) {
                return Optional.of(c.valueString());
            }
        }
        return Optional.empty();
    }
}
