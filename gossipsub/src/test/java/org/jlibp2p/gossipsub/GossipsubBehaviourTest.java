package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.testkit.FakeBehaviourContext;
import org.jlibp2p.testkit.FakeConnection;
import org.jlibp2p.testkit.FakeHandlerContext;
import org.jlibp2p.testkit.PipeStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The behaviour and its handler through fake contexts: no swarm, no transport. */
@Timeout(20)
class GossipsubBehaviourTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final FakeBehaviourContext context = new FakeBehaviourContext(Keys.generateEd25519().privateKey(), clock);
    private final KeyPair remote = Keys.generateEd25519();
    private final PeerId remoteId = PeerId.fromPublicKey(remote.publicKey());
    private final FakeConnection conn = FakeConnection.to(context.localPeer(), remote);

    private GossipsubBehaviour started(GossipsubConfig config) {
        GossipsubBehaviour b = new GossipsubBehaviour(config);
        b.start(context);
        return b;
    }

    @Test
    void servesEveryVersionAndDeliversWhatThePeersStreamCarries() throws Exception {
        GossipsubBehaviour b = started(GossipsubConfig.builder().seed(1).build());
        assertEquals(Set.of(PubsubRouter.MESHSUB_V12, PubsubRouter.MESHSUB_V11, PubsubRouter.MESHSUB_V10,
                PubsubRouter.FLOODSUB), context.served());
        Subscription sub = b.subscribe("a");
        PubsubHandler h = (PubsubHandler) b.newHandler(new FakeHandlerContext(conn, clock));
        PipeStreams.Pair s = PipeStreams.inbound(conn, PubsubRouter.MESHSUB_V12);
        Message m = MessageSigning.author(SignaturePolicy.STRICT_SIGN, remote.privateKey(), remoteId, "a",
                new byte[] {4, 2}, 1);
        RpcCodec.write(s.remote().output(), Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, "a"))));
        RpcCodec.write(s.remote().output(), Rpc.ofMessages(List.of(m)));
        s.remote().closeOutput();
        h.handleInbound(s.local());
        assertEquals(Set.of(remoteId), b.peers("a"));
        assertTrue(context.emitted().contains(new GossipsubEvent.PeerAdded(remoteId, PubsubRouter.MESHSUB_V12)));
        assertEquals(List.of("pubsub-signature-checks"), context.pendingTasks(),
                "the signature is checked off the behaviour's thread");
        assertEquals(0, sub.buffered(), "nothing is delivered before its signature is checked");
        assertTrue(b.inboundBudgetAvailable() < GossipsubBehaviour.inboundBudget(b.config()),
                "the RPC holds its budget while its message is checked");
        assertEquals(1, context.runSpawned());
        GossipsubEvent.Received r = sub.poll().orElseThrow();
        assertArrayEquals(new byte[] {4, 2}, r.message().data());
        assertEquals(remoteId, r.source());
        assertEquals(1, context.emitted(GossipsubEvent.Received.class).size());
        assertEquals(GossipsubBehaviour.inboundBudget(b.config()), b.inboundBudgetAvailable(),
                "what was read and handled is given back to the inbound budget");
        assertEquals(GossipsubBehaviour.DEFAULT_MAX_PENDING_CHECKS, b.checkPermitsAvailable());
        assertEquals(Set.of("a"), b.topics());
        sub.close();
        assertEquals(Set.of(), b.topics(), "the last subscription closed leaves the topic");
    }

    @Test
    void aPeerHoldingTooManyTopicsLosesItsStream() throws Exception {
        GossipsubBehaviour b = started(GossipsubConfig.builder().seed(1)
                .limits(RpcLimits.defaults().withMaxTopicsPerPeer(2)).build());
        PubsubHandler h = (PubsubHandler) b.newHandler(new FakeHandlerContext(conn, clock));
        PipeStreams.Pair s = PipeStreams.inbound(conn, PubsubRouter.MESHSUB_V11);
        RpcCodec.write(s.remote().output(), Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, "x"),
                new Rpc.SubOpts(true, "y"))));
        RpcCodec.write(s.remote().output(), Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(false, "x"),
                new Rpc.SubOpts(true, "z"))));
        RpcCodec.write(s.remote().output(), Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, "w"))));
        s.remote().closeOutput();
        RpcLimitException e = assertThrows(RpcLimitException.class, () -> h.handleInbound(s.local()));
        assertEquals("topics per peer", e.limit());
        assertEquals(Set.of(remoteId), b.peers("y"), "what came before the breach was taken");
        assertFalse(b.peers("w").contains(remoteId));
    }

    @Test
    void aFullSendQueueDropsAndCounts() throws Exception {
        GossipsubBehaviour b = started(GossipsubConfig.builder().seed(1).sendQueueCapacity(2).build());
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock);
        PubsubHandler h = (PubsubHandler) b.newHandler(hc);
        assertEquals(1, hc.pendingTasks().size(), "the outbound stream's writer waits to run");
        assertTrue(h.send(new byte[] {1}));
        assertTrue(h.send(new byte[] {2}));
        assertFalse(h.send(new byte[] {3}));
        assertEquals(1, h.dropped());
    }

    @Test
    void theHeartbeatRunsOnTheNodesClock() throws Exception {
        GossipsubBehaviour b = started(GossipsubConfig.builder().seed(1).build());
        Subscription sub = b.subscribe("a");
        b.publish("a", new byte[] {1});
        assertEquals(1, b.stats().cached());
        clock.advance(java.time.Duration.ofMillis(100));
        clock.advance(java.time.Duration.ofSeconds(5));
        assertEquals(0, b.stats().cached(), "out of the message cache after 5 heartbeats (100 ms, then 1 s each)");
        assertEquals(1, sub.buffered(), "our own message reached our subscriber");
        assertThrows(IllegalArgumentException.class, () -> b.publish("a", new byte[(1 << 20) + 1]));
    }
}
