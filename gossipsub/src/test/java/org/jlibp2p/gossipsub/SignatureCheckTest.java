package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signature checks off the behaviour's thread: many peers send signed messages to one node at once, some with
 * signatures that do not verify and many more than once.
 */
@Timeout(120)
class SignatureCheckTest {
    private static final String T = "checked";
    private static final int SPOKES = 8;
    private static final int PER_AUTHOR = 30;
    private static final int BOUND = 4;

    private static GossipsubBehaviour pubsub(TestNode n) {
        return n.swarm().behaviour(GossipsubBehaviour.class).orElseThrow();
    }

    private static boolean invalid(long seq) {
        return seq % 10 == 0;
    }

    @Test
    void manyPeersAtOnceValidOnesDeliveredOnceInvalidOnesPenalisedPendingBounded() throws Exception {
        TopicScoreParams topic = TopicScoreParams.defaults().toBuilder().invalidMessageDeliveriesWeight(-1).build();
        PeerScoreParams score = PeerScoreParams.builder().topics(Map.of(T, topic)).build();
        PeerScoreThresholds lenient = PeerScoreThresholds.defaults().toBuilder().gossipThreshold(-1e6)
                .publishThreshold(-2e6).graylistThreshold(-3e6).build();
        // node 0 is the hub; the others speak pubsub to it only through raw streams of their own
        try (TestNetwork net = TestNetwork.builder().nodes(SPOKES + 1).seed(11).stack(TestStack.PLAINTEXT_YAMUX)
                .manualClock()
                .behaviours(i -> i == 0
                        ? List.of(new GossipsubBehaviour(GossipsubConfig.builder().seed(1).scoreParams(score)
                                .thresholds(lenient).build(), BOUND))
                        : List.of())
                .build()) {
            net.connect((n, r) -> java.util.stream.IntStream.range(1, n).mapToObj(i -> new Topology.Edge(i, 0))
                    .toList()); // every spoke dials the hub
            TestNode hub = net.node(0);
            GossipsubBehaviour b = pubsub(hub);
            Subscription sub = b.subscribe(T);
            List<GossipsubEvent.Dropped> dropped = new CopyOnWriteArrayList<>();
            b.addListener(e -> {
                if (e instanceof GossipsubEvent.Dropped d) {
                    dropped.add(d);
                }
            });

            // each spoke relays the messages of an author of its own, then resends its neighbour's valid ones
            List<List<Message>> byAuthor = new ArrayList<>();
            for (int s = 0; s < SPOKES; s++) {
                KeyPair author = Keys.generateEd25519();
                PeerId authorId = PeerId.fromPublicKey(author.publicKey());
                List<Message> messages = new ArrayList<>();
                for (long seq = 1; seq <= PER_AUTHOR; seq++) {
                    byte[] data = ByteBuffer.allocate(16).putInt(s).putLong(seq).array();
                    Message m = MessageSigning.author(SignaturePolicy.STRICT_SIGN, author.privateKey(), authorId, T,
                            data, seq);
                    if (invalid(seq)) {
                        byte[] sig = m.signature().orElseThrow().clone();
                        sig[5] ^= 1;
                        m = new Message(T, data, m.from(), m.seqno(), Optional.of(sig), m.key());
                    }
                    messages.add(m);
                }
                byAuthor.add(messages);
            }
            int invalidPerAuthor = (int) byAuthor.getFirst().stream()
                    .filter(m -> invalid(ByteBuffer.wrap(m.data()).getLong(4))).count();
            int validPerAuthor = PER_AUTHOR - invalidPerAuthor;

            List<Future<?>> senders = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int s = 0; s < SPOKES; s++) {
                    int spoke = s;
                    senders.add(pool.submit(() -> {
                        Stream out = net.node(spoke + 1).swarm().newStream(hub.peerId(),
                                List.of(PubsubRouter.MESHSUB_V11));
                        OutputStream o = out.output();
                        RpcCodec.write(o, Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, T))));
                        // spoke 0 sends more messages in one RPC than the bound of checks under way
                        int batch = spoke == 0 ? BOUND + 2 : 3;
                        List<Message> mine = byAuthor.get(spoke);
                        for (int i = 0; i < mine.size(); i += batch) {
                            RpcCodec.write(o, Rpc.ofMessages(mine.subList(i, Math.min(mine.size(), i + batch))));
                        }
                        List<Message> again = byAuthor.get((spoke + 1) % SPOKES).stream()
                                .filter(m -> !invalid(ByteBuffer.wrap(m.data()).getLong(4))).toList();
                        for (int i = 0; i < again.size(); i += 3) {
                            RpcCodec.write(o, Rpc.ofMessages(again.subList(i, Math.min(again.size(), i + 3))));
                        }
                        o.flush();
                        return null;
                    }));
                }
                for (Future<?> f : senders) {
                    f.get(); // a sender's failure fails the test
                }
            }

            int valid = SPOKES * validPerAuthor;
            int invalid = SPOKES * invalidPerAuthor;
            net.require("the hub has a verdict on every message and every copy", () -> {
                try {
                    GossipsubBehaviour.Stats st = b.stats();
                    return st.delivered() == valid && st.rejected() == invalid && st.duplicates() == valid;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            assertTrue(hub.swarm().awaitEventsHandled(Duration.ofSeconds(30)));

            Map<String, Integer> got = new HashMap<>();
            for (Optional<GossipsubEvent.Received> r; (r = sub.poll()).isPresent(); ) {
                ByteBuffer d = ByteBuffer.wrap(r.get().message().data());
                String key = d.getInt() + "/" + d.getLong();
                got.merge(key, 1, Integer::sum);
                assertTrue(!invalid(ByteBuffer.wrap(r.get().message().data()).getLong(4)), key + " is valid");
            }
            assertEquals(valid, got.size(), "every valid message delivered");
            assertTrue(got.values().stream().allMatch(n -> n == 1), "each exactly once: " + got);
            GossipsubBehaviour.Stats st = b.stats();
            assertEquals(valid, st.delivered());
            assertEquals(invalid, st.rejected());

            // every invalid message was rejected as coming from the spoke that relayed it, and cost it P4
            assertEquals(invalid, dropped.size());
            for (int s = 0; s < SPOKES; s++) {
                PeerId spoke = net.node(s + 1).peerId();
                assertEquals(invalidPerAuthor, dropped.stream().filter(d -> d.source().equals(spoke)
                        && d.result() == ValidationResult.REJECT).count());
                double p4 = b.explain(spoke).topics().get(T).p4InvalidMessages();
                assertEquals(-invalidPerAuthor * invalidPerAuthor, p4, 1e-9, "P4 of spoke " + s);
            }

            int peak = b.peakChecksOffThread();
            assertTrue(peak > 0, "checks ran off the behaviour's thread");
            assertTrue(peak <= BOUND, "at most " + BOUND + " checks under way at once, not " + peak);
            assertEquals(0, b.pendingSignatureChecks());
            assertEquals(BOUND, b.checkPermitsAvailable(), "every permit given back");
            assertEquals(GossipsubBehaviour.inboundBudget(b.config()), b.inboundBudgetAvailable());
        }
    }
}
