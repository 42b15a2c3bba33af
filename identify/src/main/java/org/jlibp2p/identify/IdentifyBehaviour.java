package org.jlibp2p.identify;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Peerstore;
import org.jlibp2p.core.swarm.SwarmEvent;

/**
 * Identify ({@value #PROTOCOL_ID}) and identify-push ({@value #PUSH_PROTOCOL_ID}), the worked example of a
 * protocol's three rooms:
 *
 * <ul>
 *   <li>this behaviour keeps what the node says about itself (an immutable snapshot with a signed peer record,
 *       rebuilt on its thread when the local addresses or protocols change), fills the peerstore with what peers
 *       say (public key, listen addresses (from the signed peer record when valid), protocols, agent and protocol
 *       version), emits {@link IdentifyEvent}s, reports each observed address of a connection from a listen port
 *       (not an outbound one from an ephemeral port, which no one can dial) as an external address candidate
 *       and confirms it once peers in enough distinct IP groups agree ({@link IdentifyConfig#confirmations()}),
 *       withdrawing it {@link #OBSERVED_TTL} after they are gone ({@link ObservedAddresses}), and asks the handlers to
 *       push changes. Identify runs on limited (relayed) connections too, as in go-libp2p; what a peer observes
 *       there is the relay's address, never reported as this node's;
 *   <li>{@link IdentifyHandler}, one per connection, asks the peer at once, answers it, and pushes;
 *   <li>{@link IdentifyProtocol} and {@link IdentifyCodec} are the wire.
 * </ul>
 */
public final class IdentifyBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";
    public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";
    /** How long an observation counts after its connection closed (go-libp2p keeps its own observed addresses 30 min). */
    public static final Duration OBSERVED_TTL = Duration.ofMinutes(30);

    private final IdentifyConfig config;
    private BehaviourContext context;
    /** Read by handler threads; replaced (never mutated) on the behaviour's thread. */
    private volatile IdentifyProtocol.LocalIdentity local;
    // Confined to the behaviour's thread.
    private final Map<Long, IdentifyHandler> handlers = new HashMap<>();
    private final ObservedAddresses observed;
    private long recordSeq;

    public IdentifyBehaviour(IdentifyConfig config) {
        this.config = config;
        this.observed = new ObservedAddresses(config.confirmations(), OBSERVED_TTL);
    }

    public IdentifyBehaviour() {
        this(IdentifyConfig.defaults());
    }

    IdentifyConfig config() {
        return config;
    }

    IdentifyProtocol.LocalIdentity localIdentity() {
        return local;
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(PROTOCOL_ID);
        context.serve(PUSH_PROTOCOL_ID);
        // As go-libp2p: a peer reached through a relay says who it is too (what hole punching and the choice of
        // relays go by).
        context.allowOnLimitedConnections(PROTOCOL_ID);
        context.allowOnLimitedConnections(PUSH_PROTOCOL_ID);
        context.every(Duration.ofMinutes(1), this::expireObserved);
        refresh();
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext handlerContext) {
        IdentifyHandler h = new IdentifyHandler(handlerContext, this);
        handlers.put(handlerContext.connection().id(), h);
        return h;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.LocalInfoChanged e -> {
                if (refresh() && config.push()) {
                    pushAll();
                }
            }
            case SwarmEvent.ConnectionClosed e -> {
                handlers.remove(e.connection().id());
                observed.closed(e.connection().id(), context.scheduler().now());
            }
            default -> { }
        }
    }

    /** What this node says about itself now: its advertised addresses are its listen and external addresses. */
    IdentifyInfo localInfo() {
        List<Multiaddr> addrs = new ArrayList<>(context.listenAddresses());
        for (Multiaddr a : context.externalAddresses()) {
            if (!addrs.contains(a)) {
                addrs.add(a);
            }
        }
        return new IdentifyInfo(Optional.of(context.identity().publicKey()), addrs, List.copyOf(context.protocols()),
                Optional.empty(), Optional.of(config.protocolVersion()), Optional.of(config.agentVersion()),
                Optional.empty());
    }

    /**
     * Rebuilds the local snapshot; returns whether it changed. The peer record is signed again only when the
     * addresses change, with a sequence number from the node's clock (microseconds), always increasing.
     */
    private boolean refresh() {
        IdentifyInfo info = localInfo();
        IdentifyProtocol.LocalIdentity old = local;
        if (old != null && old.info().equals(info)) {
            return false;
        }
        byte[] record;
        if (old != null && old.info().listenAddrs().equals(info.listenAddrs())) {
            record = old.signedRecord();
        } else {
            Instant now = context.scheduler().now();
            long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
            recordSeq = Math.max(recordSeq + 1, micros);
            record = new PeerRecord(context.localPeer(), recordSeq, info.listenAddrs()).seal(context.identity())
                    .marshal();
        }
        local = new IdentifyProtocol.LocalIdentity(info, record);
        return true;
    }

    private void pushAll() {
        for (Connection c : context.connections()) {
            IdentifyHandler h = handlers.get(c.id());
            if (h != null && context.peerstore().protocols(c.remotePeer()).contains(PUSH_PROTOCOL_ID)) {
                h.requestPush();
            }
        }
    }

    /** A handler learnt {@code info} from the peer of {@code connection}. */
    void received(Connection connection, IdentifyInfo info, boolean pushed) {
        PeerId peer = connection.remotePeer();
        Peerstore ps = context.peerstore();
        info.publicKey().ifPresent(k -> ps.putPublicKey(peer, k));
        Optional<PeerRecord> record = info.signedPeerRecord().filter(r -> r.peerId().equals(peer));
        if (record.isPresent()) {
            ps.setAddresses(peer, record.get().addresses());
        } else if (!info.listenAddrs().isEmpty()) {
            ps.setAddresses(peer, info.listenAddrs());
        }
        if (connection.limited() && connection.direction() == Direction.OUTBOUND) {
            // The relay this node reached the peer through stays a way to it, whether the peer lists it or not.
            ps.addAddresses(peer, List.of(connection.remoteAddress()));
        }
        if (!pushed || !info.protocols().isEmpty()) {
            ps.setProtocols(peer, info.protocols());
        }
        info.agentVersion().ifPresent(v -> ps.putMetadata(peer, Peerstore.AGENT_VERSION, v));
        info.protocolVersion().ifPresent(v -> ps.putMetadata(peer, Peerstore.PROTOCOL_VERSION, v));
        context.emit(new IdentifyEvent.Received(peer, info, pushed));
        // What a peer behind a relay observes is the relay's address for this node: no address of its own.
        if (info.observedAddr().isPresent() && !connection.limited() && fromListenPort(connection)) {
            Multiaddr seen = info.observedAddr().get();
            context.addExternalAddressCandidate(seen);
            if (observed.report(connection.id(), seen, connection.remoteAddress(), context.scheduler().now())) {
                context.confirmExternalAddress(seen);
            }
        }
    }

    /**
     * Whether what a peer observes of {@code connection} is an address others could dial: true when the connection's
     * local TCP port is one the node listens on (an inbound connection, or an outbound one that reuses the listen
     * port), false for an outbound connection from an ephemeral port, which no one can dial. Connections over
     * transports without TCP ports count.
     */
    private boolean fromListenPort(Connection connection) {
        OptionalInt port = tcpPort(connection.localAddress());
        if (port.isEmpty()) {
            return true;
        }
        for (Multiaddr a : context.listenAddresses()) {
            if (tcpPort(a).equals(port)) {
                return true;
            }
        }
        return false;
    }

    private static OptionalInt tcpPort(Multiaddr a) {
        return SocketAddresses.toInetSocketAddress(a.withoutPeerId()).map(s -> OptionalInt.of(s.getPort()))
                .orElse(OptionalInt.empty());
    }

    /** Observed addresses whose observers are gone for longer than {@link #OBSERVED_TTL} are advertised no more. */
    private void expireObserved() {
        for (Multiaddr lost : observed.expire(context.scheduler().now())) {
            context.removeExternalAddress(lost);
        }
    }

    void failed(Connection connection, IOException error) {
        context.emit(new IdentifyEvent.Failed(connection.remotePeer(), error));
    }
}
