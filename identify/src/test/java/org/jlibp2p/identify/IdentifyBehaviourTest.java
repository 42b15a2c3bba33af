package org.jlibp2p.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.Peerstore;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.testkit.FakeBehaviourContext;
import org.jlibp2p.testkit.FakeConnection;
import org.jlibp2p.testkit.FakeHandlerContext;
import org.jlibp2p.testkit.PipeStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The identify behaviour driven through fake contexts: no swarm, no transport, no muxer; streams are in-memory pipes
 * whose other end the test plays.
 */
@Timeout(20)
class IdentifyBehaviourTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final KeyPair local = Keys.generateEd25519();
    private final KeyPair remote = Keys.generateEd25519();
    private final PeerId remoteId = PeerId.fromPublicKey(remote.publicKey());
    private final FakeBehaviourContext context = new FakeBehaviourContext(local.privateKey(), clock);
    private final IdentifyBehaviour identify = new IdentifyBehaviour(
            IdentifyConfig.defaults().withAgentVersion("test/1"));

    private static Multiaddr addr(String s) {
        try {
            return Multiaddr.parse(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void asksANewConnectionsPeerAndRecordsTheAnswer() throws Exception {
        context.setListenAddresses(List.of(addr("/ip4/10.0.0.1/tcp/4001")));
        identify.start(context);
        assertEquals(Set.of(IdentifyBehaviour.PROTOCOL_ID, IdentifyBehaviour.PUSH_PROTOCOL_ID), context.served());

        FakeConnection conn = FakeConnection.to(context.localPeer(), remote);
        PipeStreams.Pair stream = PipeStreams.outbound(conn, IdentifyBehaviour.PROTOCOL_ID);
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock).streams(p -> {
            assertEquals(List.of(IdentifyBehaviour.PROTOCOL_ID), p);
            return stream.local();
        });
        ConnectionHandler handler = identify.newHandler(hc);
        assertEquals(1, hc.pendingTasks().size(), "the handler asks at once, on a thread of its own");

        // The remote answers as a peer would: its key, addresses, protocols, a signed record, what it sees us at.
        Multiaddr remoteAddr = addr("/ip4/10.0.0.2/tcp/4002");
        Multiaddr observed = addr("/ip4/203.0.113.7/tcp/4001");
        byte[] record = new PeerRecord(remoteId, 7, List.of(remoteAddr)).seal(remote.privateKey()).marshal();
        IdentifyInfo answer = new IdentifyInfo(Optional.of(remote.publicKey()), List.of(addr("/ip4/10.9.9.9/tcp/1")),
                List.of("/ipfs/id/1.0.0", "/x/1.0.0"), Optional.of(observed), Optional.of("ipfs/0.1.0"),
                Optional.of("remote/2"), Optional.empty());
        LengthPrefixed.write(stream.remote().output(), IdentifyCodec.encode(answer, Optional.of(record)));
        stream.remote().closeOutput();
        hc.runSpawned();

        Peerstore ps = context.peerstore();
        assertEquals(List.of(remoteAddr), ps.addresses(remoteId), "the signed record's addresses win");
        assertEquals(Set.of("/ipfs/id/1.0.0", "/x/1.0.0"), ps.protocols(remoteId));
        assertEquals("remote/2", ps.metadata(remoteId, Peerstore.AGENT_VERSION).orElseThrow());
        assertEquals(remote.publicKey(), ps.publicKey(remoteId).orElseThrow());
        IdentifyEvent.Received r = assertInstanceOf(IdentifyEvent.Received.class, context.emitted().getFirst());
        assertEquals(remoteId, r.peer());
        assertEquals(List.of(observed), context.externalAddressCandidates(), "the observed address is a candidate");

        // Asked in turn, the handler answers with this node's information and a record signed by its key.
        PipeStreams.Pair asked = PipeStreams.inbound(conn, IdentifyBehaviour.PROTOCOL_ID);
        handler.handleInbound(asked.local());
        IdentifyInfo mine = IdentifyCodec.decode(LengthPrefixed.read(asked.remote().input(), 64 * 1024));
        assertEquals(local.publicKey(), mine.publicKey().orElseThrow());
        assertEquals(List.of(addr("/ip4/10.0.0.1/tcp/4001")), mine.listenAddrs());
        assertEquals(List.of(IdentifyBehaviour.PROTOCOL_ID, IdentifyBehaviour.PUSH_PROTOCOL_ID), mine.protocols());
        assertEquals(conn.remoteAddress(), mine.observedAddr().orElseThrow());
        assertEquals("test/1", mine.agentVersion().orElseThrow());
        PeerRecord signed = mine.signedPeerRecord().orElseThrow();
        assertEquals(context.localPeer(), signed.peerId());
        assertEquals(mine.listenAddrs(), signed.addresses());
    }

    @Test
    void aPeerClaimingAnotherKeyIsReportedAndNothingIsRecorded() throws Exception {
        identify.start(context);
        FakeConnection conn = FakeConnection.to(context.localPeer(), remote);
        PipeStreams.Pair stream = PipeStreams.outbound(conn, IdentifyBehaviour.PROTOCOL_ID);
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock).streams(p -> stream.local());
        identify.newHandler(hc);
        KeyPair someoneElse = Keys.generateEd25519();
        IdentifyInfo lie = new IdentifyInfo(Optional.of(someoneElse.publicKey()), List.of(), List.of("/x"),
                Optional.empty(), Optional.empty(), Optional.of("liar"), Optional.empty());
        LengthPrefixed.write(stream.remote().output(), IdentifyCodec.encode(lie, Optional.empty()));
        stream.remote().closeOutput();
        hc.runSpawned();
        IdentifyEvent.Failed f = assertInstanceOf(IdentifyEvent.Failed.class, context.emitted().getFirst());
        assertEquals(remoteId, f.peer());
        assertInstanceOf(IdentifyException.class, f.error());
        assertTrue(context.peerstore().protocols(remoteId).isEmpty());
        assertTrue(context.peerstore().metadata(remoteId, Peerstore.AGENT_VERSION).isEmpty());
    }

    @Test
    void aNewListenAddressIsSignedAgainWithAHigherSequenceAndPushedToPeersThatSpeakPush() throws Exception {
        context.setListenAddresses(List.of(addr("/ip4/10.0.0.1/tcp/4001")));
        identify.start(context);
        FakeConnection conn = FakeConnection.to(context.localPeer(), remote);
        context.addConnection(conn);
        context.peerstore().setProtocols(remoteId, List.of(IdentifyBehaviour.PUSH_PROTOCOL_ID));
        PipeStreams.Pair push = PipeStreams.outbound(conn, IdentifyBehaviour.PUSH_PROTOCOL_ID);
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock).streams(p -> p.contains(
                IdentifyBehaviour.PUSH_PROTOCOL_ID) ? push.local() : null);
        identify.newHandler(hc);
        hc.runSpawned(); // the initial identify fails (this fake peer does not answer it)
        long firstSeq = PeerRecord.consume(identify.localIdentity().signedRecord()).seq();

        clock.advance(Duration.ofSeconds(1));
        context.setListenAddresses(List.of(addr("/ip4/10.0.0.1/tcp/4001"), addr("/ip4/10.0.0.1/tcp/4002")));
        identify.onEvent(new SwarmEvent.LocalInfoChanged());
        assertEquals(List.of("identify-push-" + conn.id()), hc.pendingTasks());
        hc.runSpawned();
        IdentifyInfo pushed = IdentifyCodec.decode(LengthPrefixed.read(push.remote().input(), 64 * 1024));
        assertEquals(2, pushed.listenAddrs().size());
        PeerRecord record = pushed.signedPeerRecord().orElseThrow();
        assertTrue(record.seq() > firstSeq, record.seq() + " > " + firstSeq);
        assertEquals(pushed.listenAddrs(), record.addresses());

        identify.onEvent(new SwarmEvent.LocalInfoChanged());
        assertTrue(hc.pendingTasks().isEmpty(), "nothing changed, nothing pushed");
    }

    /** Identifies a peer over a fake connection from {@code remoteAddr}; the peer says it sees us at {@code seen}. */
    private void identifiedBy(KeyPair peer, Multiaddr remoteAddr, Multiaddr seen) throws Exception {
        identifiedBy(peer, addr("/ip4/10.0.0.1/tcp/4001"), remoteAddr, seen);
    }

    private void identifiedBy(KeyPair peer, Multiaddr localAddr, Multiaddr remoteAddr, Multiaddr seen)
            throws Exception {
        FakeConnection conn = new FakeConnection(org.jlibp2p.core.swarm.Direction.INBOUND, context.localPeer(),
                peer.publicKey(), localAddr, remoteAddr, clock.now());
        PipeStreams.Pair stream = PipeStreams.outbound(conn, IdentifyBehaviour.PROTOCOL_ID);
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock).streams(p -> stream.local());
        identify.newHandler(hc);
        IdentifyInfo answer = new IdentifyInfo(Optional.of(peer.publicKey()), List.of(), List.of(),
                Optional.of(seen), Optional.empty(), Optional.empty(), Optional.empty());
        LengthPrefixed.write(stream.remote().output(), IdentifyCodec.encode(answer, Optional.empty()));
        stream.remote().closeOutput();
        hc.runSpawned();
    }

    @Test
    void anObservedAddressIsConfirmedOncePeersInFourDistinctIpGroupsAgree() throws Exception {
        context.setListenAddresses(List.of(addr("/ip4/10.0.0.1/tcp/4001")));
        identify.start(context);
        Multiaddr seen = addr("/ip4/203.0.113.7/tcp/4001");
        for (int i = 1; i <= 3; i++) {
            identifiedBy(Keys.generateEd25519(), addr("/ip4/198.5" + i + ".100.1/tcp/5000"), seen);
        }
        // The same host again, under a new identity and port, does not count twice; nor does its /16.
        identifiedBy(Keys.generateEd25519(), addr("/ip4/198.53.100.1/tcp/6000"), seen);
        identifiedBy(Keys.generateEd25519(), addr("/ip4/198.53.7.9/tcp/5000"), seen);
        identifiedBy(Keys.generateEd25519(), addr("/ip4/198.59.100.9/tcp/5000"),
                addr("/ip4/203.0.113.99/tcp/4001"));
        assertTrue(context.externalAddresses().isEmpty(), "three agreeing hosts are not enough");
        assertEquals(6, context.externalAddressCandidates().size(), "each report is a candidate");

        identifiedBy(Keys.generateEd25519(), addr("/ip4/198.54.100.4/tcp/5000"), seen);
        assertEquals(List.of(seen), context.externalAddresses());
        identify.onEvent(new SwarmEvent.ExternalAddressConfirmed(seen));
        identify.onEvent(new SwarmEvent.LocalInfoChanged());
        assertEquals(List.of(addr("/ip4/10.0.0.1/tcp/4001"), seen), identify.localIdentity().info().listenAddrs(),
                "the node now advertises it");
        assertEquals(identify.localIdentity().info().listenAddrs(),
                PeerRecord.consume(identify.localIdentity().signedRecord()).addresses(), "in its signed record too");
    }

    @Test
    void whatPeersSeeOfAConnectionFromAnEphemeralPortIsNoCandidate() throws Exception {
        context.setListenAddresses(List.of(addr("/ip4/10.0.0.1/tcp/4001")));
        identify.start(context);
        Multiaddr ephemeral = addr("/ip4/203.0.113.7/tcp/51234");
        for (int i = 1; i <= 6; i++) {
            identifiedBy(Keys.generateEd25519(), addr("/ip4/10.0.0.1/tcp/5" + i + "000"),
                    addr("/ip4/198.5" + i + ".100.1/tcp/4001"), ephemeral);
        }
        assertTrue(context.externalAddressCandidates().isEmpty(), "no one can dial an outbound connection's port");
        assertTrue(context.externalAddresses().isEmpty());
    }
}
