package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GossipsubConfigTest {
    @Test
    void theDefaultsAreGoLibp2pPubsubs() {
        GossipsubConfig c = GossipsubConfig.defaults();
        assertEquals(6, c.d());
        assertEquals(5, c.dLo());
        assertEquals(12, c.dHi());
        assertEquals(4, c.dScore());
        assertEquals(2, c.dOut());
        assertEquals(6, c.dLazy());
        assertEquals(0.25, c.gossipFactor());
        assertEquals(5, c.historyLength());
        assertEquals(3, c.historyGossip());
        assertEquals(Duration.ofMillis(100), c.heartbeatInitialDelay());
        assertEquals(Duration.ofSeconds(1), c.heartbeatInterval());
        assertEquals(Duration.ofSeconds(60), c.fanoutTtl());
        assertEquals(Duration.ofMinutes(1), c.pruneBackoff());
        assertEquals(Duration.ofSeconds(10), c.unsubscribeBackoff());
        assertEquals(Duration.ofSeconds(120), c.seenTtl());
        assertEquals(1024, c.idontwantMessageThreshold());
        assertEquals(1 << 20, c.limits().maxRpcSize());
        assertEquals(SignaturePolicy.STRICT_SIGN, c.signaturePolicy());
        assertEquals(MessageIdFunction.FROM_AND_SEQNO, c.idFunction());
        assertTrue(c.floodPublish());
        assertEquals(RouterMode.FLOODSUB, GossipsubConfig.floodsub().mode());
    }

    @Test
    void inconsistentDegreesAndThresholdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GossipsubConfig.builder().dLo(7).build());
        assertThrows(IllegalArgumentException.class, () -> GossipsubConfig.builder().dHi(5).build());
        assertThrows(IllegalArgumentException.class, () -> GossipsubConfig.builder().dScore(7).build());
        assertThrows(IllegalArgumentException.class, () -> GossipsubConfig.builder().dOut(5).build());
        assertThrows(IllegalArgumentException.class, () -> GossipsubConfig.builder().historyGossip(6).build());
        assertThrows(IllegalArgumentException.class, () -> PeerScoreThresholds.builder().publishThreshold(0).build());
        assertThrows(IllegalArgumentException.class, () -> PeerScoreThresholds.builder().acceptPXThreshold(-1).build());
        assertThrows(IllegalArgumentException.class, () -> TopicScoreParams.builder().invalidMessageDeliveriesWeight(1).build());
        assertThrows(IllegalArgumentException.class, () -> TopicScoreParams.builder().firstMessageDeliveriesDecay(1).build());
        assertThrows(IllegalArgumentException.class, () -> PeerScoreParams.builder().behaviourPenaltyWeight(1).build());
        assertThrows(IllegalArgumentException.class, () -> RpcLimits.defaults().withMaxRpcSize(10));
        GossipsubConfig c = GossipsubConfig.defaults().toBuilder().d(8).dHi(16).build();
        assertEquals(8, c.d());
        assertEquals(5, c.dLo());
    }
}
