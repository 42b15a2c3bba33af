package org.jlibp2p.identify;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Peerstore;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;

/**
 * Identify ({@value #PROTOCOL_ID}) and identify-push ({@value #PUSH_PROTOCOL_ID}): on every new connection asks the
 * peer who it is and fills the peerstore (public key, listen addresses (from its signed peer record when it sends
 * a valid one), protocols, agent and protocol version); answers the same question about this node, with a signed
 * peer record; and pushes an update to connected peers when the local addresses or protocols change.
 */
public final class IdentifyBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";
    public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";

    private static final System.Logger LOG = System.getLogger(IdentifyBehaviour.class.getName());

    private final IdentifyConfig config;
    private final List<Consumer<IdentifyEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong recordSeq = new AtomicLong(System.currentTimeMillis() * 1000);
    private volatile Swarm swarm;

    public IdentifyBehaviour(IdentifyConfig config) {
        this.config = config;
    }

    public IdentifyBehaviour() {
        this(IdentifyConfig.defaults());
    }

    /** Receives every identify outcome, on the thread that produced it. */
    public void addListener(Consumer<IdentifyEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public void start(Swarm swarm) {
        this.swarm = swarm;
        swarm.setStreamHandler(PROTOCOL_ID, this::answer);
        swarm.setStreamHandler(PUSH_PROTOCOL_ID, this::receivePush);
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.ConnectionEstablished e ->
                    Thread.ofVirtual().name("identify-" + e.connection().id()).start(() -> identify(e.connection()));
            case SwarmEvent.LocalInfoChanged e -> {
                if (config.push()) {
                    Thread.ofVirtual().name("identify-push").start(this::pushAll);
                }
            }
            default -> { }
        }
    }

    /** What this node says about itself to {@code connection}'s peer. */
    IdentifyInfo localInfo(Optional<Multiaddr> observed) {
        Swarm s = swarm;
        return new IdentifyInfo(Optional.of(s.publicKey()), s.listenAddresses(), List.copyOf(s.protocols()),
                observed, Optional.of(config.protocolVersion()), Optional.of(config.agentVersion()),
                Optional.empty());
    }

    private byte[] localMessage(Optional<Multiaddr> observed) {
        Swarm s = swarm;
        IdentifyInfo info = localInfo(observed);
        byte[] record = new PeerRecord(s.localPeer(), recordSeq.incrementAndGet(), info.listenAddrs()).seal(s.identity())
                .marshal();
        return IdentifyCodec.encode(info, Optional.of(record));
    }

    private void answer(Stream stream) throws IOException {
        LengthPrefixed.write(stream.output(), localMessage(Optional.of(stream.connection().remoteAddress())));
        stream.output().flush();
        stream.closeOutput();
    }

    private void receivePush(Stream stream) throws IOException {
        IdentifyInfo info = read(stream);
        apply(stream.remotePeer(), info, true);
    }

    private IdentifyInfo read(Stream stream) throws IOException {
        return IdentifyCodec.decode(LengthPrefixed.read(stream.input(), config.maxMessageSize()));
    }

    /** Asks the peer of {@code connection} to identify itself, and records the answer. */
    public IdentifyInfo identify(Connection connection) {
        PeerId peer = connection.remotePeer();
        try (Stream stream = connection.newStream(PROTOCOL_ID)) {
            IdentifyInfo info = read(stream);
            apply(peer, info, false);
            return info;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "identify of " + peer + " failed: " + e);
            emit(new IdentifyEvent.Failed(peer, String.valueOf(e.getMessage())));
            return null;
        }
    }

    private void apply(PeerId peer, IdentifyInfo info, boolean pushed) throws IdentifyException {
        if (info.publicKey().isPresent() && !peer.matches(info.publicKey().get())) {
            throw new IdentifyException("identify from " + peer + " carries another peer's public key");
        }
        Peerstore ps = swarm.peerstore();
        info.publicKey().ifPresent(k -> ps.putPublicKey(peer, k));
        Optional<PeerRecord> record = info.signedPeerRecord().filter(r -> r.peerId().equals(peer));
        if (record.isPresent()) {
            ps.setAddresses(peer, record.get().addresses());
        } else if (!info.listenAddrs().isEmpty()) {
            ps.setAddresses(peer, info.listenAddrs());
        }
        if (!pushed || !info.protocols().isEmpty()) {
            ps.setProtocols(peer, info.protocols());
        }
        info.agentVersion().ifPresent(v -> ps.putMetadata(peer, Peerstore.AGENT_VERSION, v));
        info.protocolVersion().ifPresent(v -> ps.putMetadata(peer, Peerstore.PROTOCOL_VERSION, v));
        emit(new IdentifyEvent.Received(peer, info, pushed));
    }

    private void pushAll() {
        Swarm s = swarm;
        for (Connection c : s.connections()) {
            if (!s.peerstore().protocols(c.remotePeer()).contains(PUSH_PROTOCOL_ID)) {
                continue;
            }
            try (Stream stream = c.newStream(PUSH_PROTOCOL_ID)) {
                LengthPrefixed.write(stream.output(), localMessage(Optional.of(c.remoteAddress())));
                stream.output().flush();
                stream.closeOutput();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "identify push to " + c.remotePeer() + " failed: " + e);
            }
        }
    }

    private void emit(IdentifyEvent e) {
        for (Consumer<IdentifyEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "identify listener failed", ex);
            }
        }
    }
}
