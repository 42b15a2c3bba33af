package org.jlibp2p.gossipsub;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.fuzz.Checks;
import org.junit.jupiter.api.Timeout;

/**
 * A gossipsub router with scoring fed what two peers (one v1.2, one v1.0) send: the input is a sequence of
 * records, each a byte choosing the peer (bit 0) and whether a heartbeat follows (bit 1), then a length-prefixed
 * RPC. RPCs that do not decode cost only themselves; the router never throws, and what it holds and sends stays
 * bounded by what it was given.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PubsubRouterFuzzTest {
    private static final KeyPair SELF = Keys.generateEd25519();
    private static final PeerId A = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private static final PeerId B = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private static final RpcLimits LIMITS = RpcLimits.defaults().withMaxRpcSize(64 * 1024);

    @FuzzTest
    void rpcs(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 8 * 1024 * 1024, 4096), () -> run(input));
    }

    private static void run(byte[] input) throws IOException {
        ManualScheduler clock = new ManualScheduler();
        long[] sent = new long[1];
        PubsubRouter.Output out = new PubsubRouter.Output() {
            @Override
            public void send(PeerId peer, Rpc rpc) {
                sent[0] += RpcCodec.encode(rpc).length;
            }

            @Override
            public void deliver(GossipsubEvent.Received message) {}

            @Override
            public void event(GossipsubEvent event) {}

            @Override
            public void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {}

            @Override
            public void runOnRouter(Runnable task) {
                task.run();
            }
        };
        TopicScoreParams topic = TopicScoreParams.builder().timeInMeshWeight(0.1).firstMessageDeliveriesWeight(1)
                .meshMessageDeliveriesWeight(-1).meshFailurePenaltyWeight(-1).invalidMessageDeliveriesWeight(-10)
                .build();
        GossipsubConfig config = GossipsubConfig.builder().seed(1).limits(LIMITS).doPX(true)
                .scoreParams(PeerScoreParams.builder().topics(Map.of("t", topic)).behaviourPenaltyWeight(-1)
                        .build())
                .build();
        PubsubRouter router = new PubsubRouter(config, PeerId.fromPublicKey(SELF.publicKey()), SELF.privateKey(),
                clock::now, out);
        router.subscribe("t");
        router.subscribe("u");
        router.addPeer(A, PubsubRouter.MESHSUB_V12, true, Set.of("10.0.0.1"));
        router.addPeer(B, PubsubRouter.MESHSUB_V10, false, Set.of("10.0.0.1"));
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        for (int record = 0; record < 1000; record++) {
            int control = in.read();
            if (control < 0) {
                break;
            }
            PeerId from = (control & 1) == 0 ? A : B;
            Optional<byte[]> frame = Checks.expect(() -> RpcCodec.readFrame(in, LIMITS), IOException.class);
            if (frame.isEmpty()) {
                break; // the input ends inside a frame, or claims one too large
            }
            Optional<Rpc> rpc = Checks.expect(() -> RpcCodec.decode(frame.get(), LIMITS),
                    PubsubFormatException.class);
            if (rpc.isPresent()) {
                router.handleRpc(from, rpc.get());
            }
            if ((control & 2) != 0) {
                clock.advance(Duration.ofSeconds(1));
                router.heartbeat();
            }
        }
        router.explain(A);
        router.removePeer(B);
        clock.advance(Duration.ofSeconds(1));
        router.heartbeat();
    }
}
