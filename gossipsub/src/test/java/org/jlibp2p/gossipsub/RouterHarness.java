package org.jlibp2p.gossipsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.ManualScheduler;

/** One router on a manual clock, with everything it outputs recorded, and remote peers the test plays. */
final class RouterHarness implements PubsubRouter.Output {
    final ManualScheduler clock = new ManualScheduler();
    final KeyPair key = Keys.generateEd25519();
    final PeerId self = PeerId.fromPublicKey(key.publicKey());
    final Map<PeerId, List<Rpc>> sent = new ConcurrentHashMap<>();
    final List<GossipsubEvent.Received> delivered = new CopyOnWriteArrayList<>();
    final List<GossipsubEvent> events = new CopyOnWriteArrayList<>();
    final List<PeerId> connects = new CopyOnWriteArrayList<>();
    final PubsubRouter router;

    RouterHarness(GossipsubConfig config) {
        router = new PubsubRouter(config, self, key.privateKey(), clock::now, this);
    }

    @Override
    public void send(PeerId peer, Rpc rpc) {
        sent.computeIfAbsent(peer, k -> new CopyOnWriteArrayList<>()).add(rpc);
    }

    @Override
    public void deliver(GossipsubEvent.Received message) {
        delivered.add(message);
    }

    @Override
    public void event(GossipsubEvent event) {
        events.add(event);
    }

    @Override
    public void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {
        connects.add(peer);
    }

    @Override
    public void runOnRouter(Runnable task) {
        synchronized (this) {
            task.run();
        }
    }

    /** A remote peer the test plays. */
    record Remote(KeyPair key, PeerId id) {
        Message message(String topic, byte[] data, long seq) {
            return MessageSigning.author(SignaturePolicy.STRICT_SIGN, key.privateKey(), id, topic, data, seq);
        }
    }

    Remote remote() {
        KeyPair k = Keys.generateEd25519();
        return new Remote(k, PeerId.fromPublicKey(k.publicKey()));
    }

    /** Adds a peer speaking {@code protocol}, subscribed to {@code topics}. */
    Remote peer(String protocol, boolean outbound, String... topics) {
        Remote r = remote();
        router.addPeer(r.id(), protocol, outbound, Set.of());
        List<Rpc.SubOpts> subs = new ArrayList<>();
        for (String t : topics) {
            subs.add(new Rpc.SubOpts(true, t));
        }
        if (!subs.isEmpty()) {
            router.handleRpc(r.id(), Rpc.ofSubscriptions(subs));
        }
        return r;
    }

    List<Rpc> sentTo(PeerId p) {
        return sent.getOrDefault(p, List.of());
    }

    List<Message> messagesTo(PeerId p) {
        return sentTo(p).stream().flatMap(r -> r.messages().stream()).toList();
    }

    List<Rpc.Graft> graftsTo(PeerId p) {
        return sentTo(p).stream().flatMap(r -> r.control().graft().stream()).toList();
    }

    List<Rpc.Prune> prunesTo(PeerId p) {
        return sentTo(p).stream().flatMap(r -> r.control().prune().stream()).toList();
    }

    List<Rpc.IHave> ihavesTo(PeerId p) {
        return sentTo(p).stream().flatMap(r -> r.control().ihave().stream()).toList();
    }

    List<Rpc.IWant> iwantsTo(PeerId p) {
        return sentTo(p).stream().flatMap(r -> r.control().iwant().stream()).toList();
    }

    List<Rpc.IDontWant> idontwantsTo(PeerId p) {
        return sentTo(p).stream().flatMap(r -> r.control().idontwant().stream()).toList();
    }

    void clearSent() {
        sent.clear();
    }

    void heartbeats(int n) {
        for (int i = 0; i < n; i++) {
            clock.advance(router.config().heartbeatInterval());
            router.heartbeat();
        }
    }

    static Rpc graft(String topic) {
        return Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of()));
    }

    static Rpc prune(String topic, List<Rpc.PeerExchange> px, long backoff) {
        return Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(),
                List.of(new Rpc.Prune(topic, px, java.util.OptionalLong.of(backoff))), List.of()));
    }

    static Rpc ihave(String topic, List<MessageId> ids) {
        return Rpc.ofControl(new Rpc.Control(List.of(new Rpc.IHave(topic, ids)), List.of(), List.of(), List.of(), List.of()));
    }

    static Rpc iwant(List<MessageId> ids) {
        return Rpc.ofControl(new Rpc.Control(List.of(), List.of(new Rpc.IWant(ids)), List.of(), List.of(), List.of()));
    }

    static Rpc idontwant(List<MessageId> ids) {
        return Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(), List.of(), List.of(new Rpc.IDontWant(ids))));
    }
}
