package org.jlibp2p.identify;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** Pending push requests: a push runs while it is non-zero, so requests made during a push cost one more. */
    private final AtomicInteger pushRequests = new AtomicInteger();
    private final Object recordLock = new Object();
    private long recordSeq;
    private List<Multiaddr> recordAddresses = List.of();
    private byte[] record = new byte[0];
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
                    requestPush();
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
        IdentifyInfo info = localInfo(observed);
        return IdentifyCodec.encode(info, Optional.of(signedRecord(info.listenAddrs())));
    }

    /**
     * The signed peer record of {@code addresses}: signed again only when the addresses change, with a sequence
     * number taken from the swarm's clock (microseconds) and always increasing.
     */
    private byte[] signedRecord(List<Multiaddr> addresses) {
        Swarm s = swarm;
        synchronized (recordLock) {
            if (record.length == 0 || !recordAddresses.equals(addresses)) {
                Instant now = s.config().clock().instant();
                long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
                recordSeq = Math.max(recordSeq + 1, micros);
                recordAddresses = List.copyOf(addresses);
                record = new PeerRecord(s.localPeer(), recordSeq, recordAddresses).seal(s.identity()).marshal();
            }
            return record;
        }
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
        stream.setReadTimeout(swarm.config().limits().negotiationTimeout());
        return IdentifyCodec.decode(LengthPrefixed.read(stream.input(), config.maxMessageSize()));
    }

    /**
     * Asks the peer of {@code connection} to identify itself, and records the answer. A failure (the peer does not
     * speak identify, a malformed or oversized answer, a timeout) costs only the identify stream: it is reset, a
     * {@link IdentifyEvent.Failed} is emitted, and the result is empty.
     */
    public Optional<IdentifyInfo> identify(Connection connection) {
        PeerId peer = connection.remotePeer();
        Stream stream = null;
        try {
            stream = connection.newStream(PROTOCOL_ID);
            IdentifyInfo info = read(stream);
            stream.close();
            apply(peer, info, false);
            return Optional.of(info);
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.reset();
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "identify of " + peer + " failed: " + e);
            emit(new IdentifyEvent.Failed(peer, String.valueOf(e.getMessage())));
            return Optional.empty();
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

    /**
     * Coalesces pushes: the first request starts a push thread; requests arriving while it runs make it run once
     * more (with the then current information), however many they are.
     */
    private void requestPush() {
        if (pushRequests.getAndIncrement() == 0) {
            Thread.ofVirtual().name("identify-push").start(() -> {
                int seen;
                do {
                    seen = pushRequests.get();
                    pushAll();
                } while (pushRequests.addAndGet(-seen) != 0);
            });
        }
    }

    /** Pushes the local information to every connected peer that speaks identify-push, in parallel. */
    private void pushAll() {
        Swarm s = swarm;
        if (s == null || s.isClosed()) {
            return;
        }
        List<Thread> pushes = new ArrayList<>();
        for (Connection c : s.connections()) {
            if (s.peerstore().protocols(c.remotePeer()).contains(PUSH_PROTOCOL_ID)) {
                pushes.add(Thread.ofVirtual().name("identify-push-" + c.id()).start(() -> push(c)));
            }
        }
        for (Thread t : pushes) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void push(Connection c) {
        Stream stream = null;
        try {
            stream = c.newStream(PUSH_PROTOCOL_ID);
            LengthPrefixed.write(stream.output(), localMessage(Optional.of(c.remoteAddress())));
            stream.output().flush();
            stream.close();
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.reset();
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "identify push to " + c.remotePeer() + " failed: " + e);
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
