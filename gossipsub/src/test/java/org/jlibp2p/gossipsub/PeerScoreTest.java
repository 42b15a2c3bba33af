package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each score component on its own, computed from the counters the router feeds, on a hand-moved clock. */
@Timeout(20)
class PeerScoreTest {
    private static final String T = "t";
    private static final double EPS = 1e-9;
    private final PeerId a = peer();
    private final PeerId b = peer();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private int seq;

    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    private PeerScore score(TopicScoreParams topic, PeerScoreParams.Builder params) {
        return new PeerScore(params.topics(Map.of(T, topic)).build(), Duration.ofMinutes(2), now);
    }

    private MessageId nextId() {
        return MessageId.of(new byte[] {(byte) ++seq, (byte) (seq >> 8)});
    }

    private void deliver(PeerScore s, PeerId from) {
        MessageId id = nextId();
        s.validateMessage(from, id, now);
        s.deliverMessage(from, id, T, now);
    }

    @Test
    void p1CountsTimeInMeshInQuantaUpToItsCap() {
        PeerScore s = score(TopicScoreParams.builder().timeInMeshWeight(0.5).timeInMeshQuantum(Duration.ofSeconds(1))
                .timeInMeshCap(10).build(), PeerScoreParams.builder());
        s.addPeer(a, Set.of());
        s.graft(a, T, now);
        now = now.plusSeconds(4);
        assertEquals(2.0, s.explain(a, now).topics().get(T).p1TimeInMesh(), EPS);
        now = now.plusSeconds(100);
        assertEquals(5.0, s.score(a, now), EPS, "capped at 10 quanta");
        s.prune(a, T);
        assertEquals(0.0, s.score(a, now), EPS, "only while in the mesh");
    }

    @Test
    void p2CountsFirstDeliveriesCappedAndDecays() {
        PeerScore s = score(TopicScoreParams.builder().firstMessageDeliveriesWeight(1).firstMessageDeliveriesCap(3)
                .firstMessageDeliveriesDecay(0.5).build(), PeerScoreParams.builder());
        s.addPeer(a, Set.of());
        s.addPeer(b, Set.of());
        MessageId id = nextId();
        s.validateMessage(a, id, now);
        s.deliverMessage(a, id, T, now);
        s.duplicateMessage(b, id, T, now);
        assertEquals(1.0, s.score(a, now), EPS);
        assertEquals(0.0, s.score(b, now), EPS, "a duplicate is not a first delivery");
        for (int i = 0; i < 5; i++) {
            deliver(s, a);
        }
        assertEquals(3.0, s.score(a, now), EPS, "capped");
        now = now.plusSeconds(1);
        s.refresh(now);
        assertEquals(1.5, s.score(a, now), EPS, "halved by one decay");
        for (int i = 0; i < 10; i++) {
            now = now.plusSeconds(1);
            s.refresh(now);
        }
        assertEquals(0.0, s.score(a, now), EPS, "below decayToZero it is 0");
    }

    @Test
    void p3PenalisesAMeshPeerDeliveringTooLittleOnceActiveAndP3bKeepsTheDeficitAfterPrune() {
        TopicScoreParams tp = TopicScoreParams.builder().meshMessageDeliveriesWeight(-1)
                .meshMessageDeliveriesThreshold(4).meshMessageDeliveriesActivation(Duration.ofSeconds(5))
                .meshMessageDeliveriesDecay(0.9).meshFailurePenaltyWeight(-2).meshFailurePenaltyDecay(0.9)
                .meshMessageDeliveriesWindow(Duration.ofMillis(10)).build();
        PeerScore s = score(tp, PeerScoreParams.builder());
        s.addPeer(a, Set.of());
        s.addPeer(b, Set.of());
        s.graft(a, T, now);
        s.graft(b, T, now);
        assertEquals(0.0, s.score(a, now), EPS, "not active before the activation time");
        now = now.plusSeconds(5);
        assertEquals(-16.0, s.score(a, now), EPS, "deficit 4, squared");
        MessageId id = nextId();
        s.validateMessage(b, id, now);
        s.deliverMessage(b, id, T, now);
        s.duplicateMessage(a, id, T, now.plusMillis(5));
        assertEquals(-9.0, s.score(a, now), EPS, "a copy within the window counts as a mesh delivery");
        assertEquals(-9.0, s.score(b, now), EPS, "so does the first one");
        MessageId late = nextId();
        s.validateMessage(b, late, now);
        s.deliverMessage(b, late, T, now);
        s.duplicateMessage(a, late, T, now.plusMillis(50));
        assertEquals(-9.0, s.score(a, now), EPS, "a copy after the window does not");
        s.prune(a, T);
        ScoreExplanation e = s.explain(a, now);
        assertEquals(0.0, e.topics().get(T).p3MeshDeliveryDeficit(), EPS);
        assertEquals(-18.0, e.topics().get(T).p3bMeshFailure(), EPS, "P3b: deficit 3, squared, weight -2");
    }

    @Test
    void p4SquaresInvalidMessagesIncludingCopiesOfOneRejected() {
        PeerScore s = score(TopicScoreParams.builder().invalidMessageDeliveriesWeight(-1)
                .invalidMessageDeliveriesDecay(0.5).build(), PeerScoreParams.builder());
        s.addPeer(a, Set.of());
        s.addPeer(b, Set.of());
        MessageId id = nextId();
        s.validateMessage(a, id, now);
        s.duplicateMessage(b, id, T, now); // arrives while validation is pending
        s.rejectMessage(a, id, T, true, now);
        assertEquals(-1.0, s.score(a, now), EPS);
        assertEquals(-1.0, s.score(b, now), EPS, "a copy of an invalid message counts too");
        MessageId id2 = nextId();
        s.validateMessage(a, id2, now);
        s.rejectMessage(a, id2, T, true, now);
        assertEquals(-4.0, s.score(a, now), EPS, "two invalid, squared");
        MessageId ignored = nextId();
        s.validateMessage(b, ignored, now);
        s.rejectMessage(b, ignored, T, false, now);
        assertEquals(-1.0, s.score(b, now), EPS, "an ignored message costs nothing");
    }

    @Test
    void p5P6AndP7AndTheTopicCap() {
        PeerScore s = score(TopicScoreParams.builder().firstMessageDeliveriesWeight(10).topicWeight(2).build(),
                PeerScoreParams.builder().appSpecificScore(p -> p.equals(a) ? 3 : 0).appSpecificWeight(2)
                        .ipColocationFactorWeight(-1).ipColocationFactorThreshold(2)
                        .behaviourPenaltyWeight(-1).behaviourPenaltyThreshold(1).topicScoreCap(50));
        PeerId c = peer();
        PeerId d = peer();
        s.addPeer(a, Set.of("10.0.0.1"));
        s.addPeer(b, Set.of("10.0.0.1"));
        s.addPeer(c, Set.of("10.0.0.1"));
        s.addPeer(d, Set.of("10.0.0.1"));
        ScoreExplanation e = s.explain(a, now);
        assertEquals(6.0, e.appSpecific(), EPS, "P5 = 3 x weight 2");
        assertEquals(-4.0, e.ipColocation(), EPS, "P6: 4 peers on one IP, threshold 2: surplus 2, squared");
        s.addPenalty(b, 3);
        assertEquals(-4.0, s.explain(b, now).behaviourPenalty(), EPS, "P7: 3 over a threshold of 1, squared");
        for (int i = 0; i < 5; i++) {
            deliver(s, a);
        }
        e = s.explain(a, now);
        assertEquals(100.0, e.topics().get(T).total(), EPS, "5 x 10 x topic weight 2");
        assertEquals(50.0, e.topicsTotal(), EPS, "capped");
        assertEquals(50 + 6 - 4, e.total(), EPS);
        assertTrue(e.describe().contains("P2 50.000"), e.describe());
    }

    @Test
    void aNegativeScoreOutlivesTheConnectionForRetainScoreAndAPositiveOneDoesNot() {
        PeerScore s = score(TopicScoreParams.builder().invalidMessageDeliveriesWeight(-1)
                .invalidMessageDeliveriesDecay(0.99).firstMessageDeliveriesWeight(1).build(),
                PeerScoreParams.builder().retainScore(Duration.ofSeconds(30)));
        s.addPeer(a, Set.of());
        MessageId id = nextId();
        s.validateMessage(a, id, now);
        s.rejectMessage(a, id, T, true, now);
        s.removePeer(a, now);
        s.addPeer(a, Set.of());
        assertTrue(s.score(a, now) < 0, "reconnecting does not clear a penalty");
        s.removePeer(a, now);
        now = now.plusSeconds(31);
        s.refresh(now);
        assertEquals(0, s.trackedPeers());
        s.addPeer(b, Set.of());
        deliver(s, b);
        s.removePeer(b, now);
        assertEquals(0, s.trackedPeers(), "a positive score is forgotten at once");
    }
}
