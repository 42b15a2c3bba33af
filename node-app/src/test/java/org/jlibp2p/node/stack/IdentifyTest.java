package org.jlibp2p.node.stack;

import static org.jlibp2p.node.stack.Nodes.eventually;
import static org.jlibp2p.testkit.TestNodes.listenMemory;
import static org.jlibp2p.testkit.TestNodes.listenTcp;
import static org.jlibp2p.testkit.TestNodes.withPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Peerstore;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyConfig;
import org.jlibp2p.identify.IdentifyEvent;
import org.jlibp2p.testkit.EventRecorder;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.proto.identify.IdentifyProtos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Identify and identify-push between swarms, and identify peers that lie or send too much. */
@Timeout(20)
class IdentifyTest {
    private final MemoryTransport.Network net = new MemoryTransport.Network();

    /** Adds identify to {@code s}; its events (identify's output, through the swarm) go to {@code sink}. */
    private static IdentifyBehaviour identify(Swarm s, String agent, List<IdentifyEvent> sink) {
        IdentifyBehaviour id = new IdentifyBehaviour(IdentifyConfig.defaults().withAgentVersion(agent));
        s.addBehaviour(new org.jlibp2p.core.swarm.Behaviour() {
            @Override
            public void onEvent(SwarmEvent e) {
                if (e instanceof SwarmEvent.Emitted(IdentifyEvent ie)) {
                    sink.add(ie);
                }
            }
        });
        s.addBehaviour(id);
        return id;
    }

    @Test
    void bothSidesLearnEachOtherAndTheObservedAddress() throws Exception {
        try (Swarm a = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                Swarm b = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults())) {
            List<IdentifyEvent> ea = new CopyOnWriteArrayList<>();
            List<IdentifyEvent> eb = new CopyOnWriteArrayList<>();
            identify(a, "agent-a/1", ea);
            identify(b, "agent-b/2", eb);
            b.addBehaviour(new PingBehaviour());
            Multiaddr aAddr = listenTcp(a);
            Multiaddr bAddr = listenTcp(b);
            Connection c = a.dial(withPeer(bAddr, b.localPeer()));

            assertTrue(eventually(() -> !a.peerstore().protocols(b.localPeer()).isEmpty()
                    && !b.peerstore().protocols(a.localPeer()).isEmpty()));
            assertTrue(a.peerstore().protocols(b.localPeer()).containsAll(List.of(PingBehaviour.PROTOCOL_ID,
                    IdentifyBehaviour.PROTOCOL_ID, IdentifyBehaviour.PUSH_PROTOCOL_ID)));
            assertEquals(a.protocols(), b.peerstore().protocols(a.localPeer()));
            assertEquals("agent-b/2", a.peerstore().metadata(b.localPeer(), Peerstore.AGENT_VERSION).orElseThrow());
            assertEquals("agent-a/1", b.peerstore().metadata(a.localPeer(), Peerstore.AGENT_VERSION).orElseThrow());
            assertEquals("ipfs/0.1.0",
                    a.peerstore().metadata(b.localPeer(), Peerstore.PROTOCOL_VERSION).orElseThrow());
            assertEquals(a.publicKey(), b.peerstore().publicKey(a.localPeer()).orElseThrow());
            assertEquals(List.of(bAddr), a.peerstore().addresses(b.localPeer()));
            assertEquals(List.of(aAddr), b.peerstore().addresses(a.localPeer()));

            IdentifyEvent.Received fromB = (IdentifyEvent.Received) ea.stream()
                    .filter(e -> e instanceof IdentifyEvent.Received).findFirst().orElseThrow();
            assertFalse(fromB.pushed());
            assertEquals(c.localAddress(), fromB.info().observedAddr().orElseThrow(),
                    "b reports the address it sees a at");
            PeerRecord record = fromB.info().signedPeerRecord().orElseThrow();
            assertEquals(b.localPeer(), record.peerId());
            assertEquals(List.of(bAddr), record.addresses());
        }
    }

    @Test
    void pushAfterANewHandlerUpdatesTheRemoteAndIsCoalesced() throws Exception {
        try (Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX); Swarm b = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            List<IdentifyEvent> ea = new CopyOnWriteArrayList<>();
            identify(a, "a", ea);
            identify(b, "b", new CopyOnWriteArrayList<>());
            EventRecorder ra = TestNodes.recorder(a);
            a.dial(withPeer(listenMemory(b), b.localPeer()));
            assertTrue(eventually(() -> a.peerstore().protocols(b.localPeer()).contains(IdentifyBehaviour.PUSH_PROTOCOL_ID)
                    && b.peerstore().protocols(a.localPeer()).contains(IdentifyBehaviour.PUSH_PROTOCOL_ID)));
            for (int i = 0; i < 50; i++) {
                b.setStreamHandler("/test/new/" + i, s -> s.closeOutput());
            }
            assertTrue(eventually(() -> a.peerstore().protocols(b.localPeer()).contains("/test/new/49")));
            assertTrue(ea.stream().anyMatch(e -> e instanceof IdentifyEvent.Received r && r.pushed()));
            // One change more, then count: b pushes one connection's updates one after another, and each push's
            // stream is negotiated (and its InboundStream event published at a) before b sends its content, so
            // once a has the last change every earlier push is among a's events.
            b.removeStreamHandler("/test/new/0");
            assertTrue(eventually(() -> !a.peerstore().protocols(b.localPeer()).contains("/test/new/0")));
            assertTrue(a.awaitEventsHandled(Duration.ofSeconds(5)));
            long pushes = ra.all(SwarmEvent.InboundStream.class).stream()
                    .filter(e -> e.protocol().equals(IdentifyBehaviour.PUSH_PROTOCOL_ID)).count();
            assertTrue(pushes >= 2 && pushes < 51, "51 changes made " + pushes + " pushes");
        }
    }

    /** A peer whose identify handler answers with what the test chooses. */
    private static Swarm liar(MemoryTransport.Network net, java.util.function.Function<Swarm, byte[]> answer) {
        Swarm liar = TestNodes.memory(net, TestStack.NOISE_YAMUX);
        liar.setStreamHandler(IdentifyBehaviour.PROTOCOL_ID, s -> {
            OutputStream out = s.output();
            out.write(answer.apply(liar));
            out.flush();
            s.closeOutput();
        });
        return liar;
    }

    private static byte[] framed(IdentifyProtos.Identify msg) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        LengthPrefixed.write(bytes, msg.toByteArray());
        return bytes.toByteArray();
    }

    @Test
    void aForgedPeerRecordIsIgnored() throws Exception {
        Multiaddr claimed = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
        Multiaddr forgedAddr = Multiaddr.parse("/ip4/10.6.6.6/tcp/6666");
        PrivateKey other = Keys.generateEd25519().privateKey();
        try (Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX);
                Swarm b = liar(net, s -> {
                    // The record claims b's peer id and a hostile address, but another key signed it.
                    byte[] forged = Envelope.seal(other, PeerRecord.DOMAIN, PeerRecord.payloadType(),
                            new PeerRecord(s.localPeer(), 1, List.of(forgedAddr)).marshal()).marshal();
                    try {
                        return framed(IdentifyProtos.Identify.newBuilder()
                                .setPublicKey(ByteString.copyFrom(s.publicKey().marshal()))
                                .addListenAddrs(ByteString.copyFrom(claimed.bytes()))
                                .addProtocols("/test/x/1.0.0")
                                .setSignedPeerRecord(ByteString.copyFrom(forged)).build());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })) {
            List<IdentifyEvent> ea = new CopyOnWriteArrayList<>();
            identify(a, "a", ea);
            a.dial(withPeer(listenMemory(b), b.localPeer()));
            assertTrue(eventually(() -> !ea.isEmpty()));
            IdentifyEvent.Received r = (IdentifyEvent.Received) ea.getFirst();
            assertTrue(r.info().signedPeerRecord().isEmpty(), "the forged record does not verify");
            List<Multiaddr> known = a.peerstore().addresses(b.localPeer());
            assertTrue(known.contains(claimed), known.toString());
            assertFalse(known.contains(forgedAddr), known.toString());
            assertEquals(java.util.Set.of("/test/x/1.0.0"), a.peerstore().protocols(b.localPeer()));
        }
    }

    @Test
    void aRecordOfAnotherPeerIsIgnored() throws Exception {
        Multiaddr claimed = Multiaddr.parse("/ip4/127.0.0.1/tcp/4002");
        Multiaddr foreign = Multiaddr.parse("/ip4/10.7.7.7/tcp/7777");
        PrivateKey other = Keys.generateEd25519().privateKey();
        PeerId otherId = PeerId.fromPublicKey(other.publicKey());
        try (Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX);
                Swarm b = liar(net, s -> {
                    // Validly signed, but by and about someone else.
                    byte[] record = new PeerRecord(otherId, 1, List.of(foreign)).seal(other).marshal();
                    try {
                        return framed(IdentifyProtos.Identify.newBuilder()
                                .addListenAddrs(ByteString.copyFrom(claimed.bytes()))
                                .setSignedPeerRecord(ByteString.copyFrom(record)).build());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })) {
            List<IdentifyEvent> ea = new CopyOnWriteArrayList<>();
            identify(a, "a", ea);
            a.dial(withPeer(listenMemory(b), b.localPeer()));
            assertTrue(eventually(() -> !ea.isEmpty()));
            assertTrue(ea.getFirst() instanceof IdentifyEvent.Received);
            assertEquals(List.of(claimed), a.peerstore().addresses(b.localPeer()));
            assertTrue(a.peerstore().addresses(otherId).isEmpty());
        }
    }

    @Test
    void oversizedOrMalformedAnswersCostOnlyTheStream() throws Exception {
        byte[] huge = new byte[Varint.encodedLength(1L << 31)];
        Varint.encode(1L << 31, huge, 0);
        byte[] overLimit = new byte[Varint.encodedLength(70_000)];
        Varint.encode(70_000, overLimit, 0);
        byte[] garbage = {5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        byte[] wrongKey;
        {
            var msg = IdentifyProtos.Identify.newBuilder().setPublicKey(
                    ByteString.copyFrom(Keys.generateEd25519().publicKey().marshal())).build();
            wrongKey = framed(msg);
        }
        for (byte[] answer : List.of(huge, overLimit, garbage, wrongKey)) {
            try (Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX); Swarm b = liar(net, s -> answer)) {
                b.addBehaviour(new PingBehaviour());
                PingBehaviour ping = new PingBehaviour();
                a.addBehaviour(ping);
                List<IdentifyEvent> ea = new CopyOnWriteArrayList<>();
                identify(a, "a", ea);
                Connection c = a.dial(withPeer(listenMemory(b), b.localPeer()));
                assertTrue(eventually(() -> !ea.isEmpty()));
                assertTrue(ea.getFirst() instanceof IdentifyEvent.Failed, ea.toString());
                assertTrue(c.isOpen());
                assertTrue(ping.ping(b.localPeer()).isPositive(), "the connection still works");
                assertTrue(a.peerstore().protocols(b.localPeer()).isEmpty());
            }
        }
    }

    @Test
    void aMalformedPushCostsOnlyItsStream() throws Exception {
        try (Swarm a = TestNodes.memory(net, TestStack.NOISE_YAMUX); Swarm b = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            identify(a, "a", new CopyOnWriteArrayList<>());
            EventRecorder ra = TestNodes.recorder(a);
            Connection c = b.dial(withPeer(listenMemory(a), a.localPeer()));
            try (var s = c.newStream(IdentifyBehaviour.PUSH_PROTOCOL_ID)) {
                s.output().write(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}); // 2 GiB
                s.output().flush();
                assertThrows(StreamResetException.class, () -> s.input().read(), "the push stream is reset");
            }
            ra.await(SwarmEvent.InboundStream.class, e -> e.protocol().equals(IdentifyBehaviour.PUSH_PROTOCOL_ID));
            assertTrue(c.isOpen());
            assertTrue(a.connections().getFirst().isOpen());
        }
    }

    private static void assertThrows(Class<? extends Throwable> t, org.junit.jupiter.api.function.Executable e,
            String message) {
        org.junit.jupiter.api.Assertions.assertThrows(t, e, message);
    }
}
