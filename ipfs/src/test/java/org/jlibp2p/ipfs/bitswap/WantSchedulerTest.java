package org.jlibp2p.ipfs.bitswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.ipfs.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WantSchedulerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final PeerId a = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private final PeerId b = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    private static Cid cid(int i) {
        return Block.of(1, Multicodec.RAW.code(), new byte[] {(byte) i, (byte) (i >> 8)}).cid();
    }

    private static Map<PeerId, List<Cid>> wants(List<WantScheduler.Request> rs) {
        Map<PeerId, List<Cid>> m = new HashMap<>();
        rs.forEach(r -> m.put(r.peer(), r.wantBlocks()));
        return m;
    }

    @Test
    void wantsAreSpreadOverProvidersWithinTheirWindow() {
        WantScheduler s = new WantScheduler(4, Duration.ofSeconds(10));
        for (int i = 0; i < 20; i++) {
            s.want(cid(i));
        }
        s.addPeer(a);
        s.addPeer(b);
        Map<PeerId, List<Cid>> w = wants(s.poll(T0));
        assertEquals(4, w.get(a).size());
        assertEquals(4, w.get(b).size());
        assertTrue(s.poll(T0).isEmpty(), "windows are full");
        assertTrue(s.onBlock(a, w.get(a).getFirst()));
        assertFalse(s.onBlock(a, w.get(a).getFirst()), "a block arrives once");
        assertEquals(List.of(cid(8)), wants(s.poll(T0)).get(a));
    }

    @Test
    void dontHaveTimeoutAndDisconnectSendTheWantElsewhere() {
        WantScheduler s = new WantScheduler(1, Duration.ofSeconds(10));
        s.want(cid(1));
        s.want(cid(2));
        s.addPeer(a);
        s.addPeer(b);
        Map<PeerId, List<Cid>> w = wants(s.poll(T0));
        Cid atA = w.get(a).getFirst();
        Cid atB = w.get(b).getFirst();
        s.onDontHave(a, atA);
        assertTrue(s.poll(T0).isEmpty(), "b is busy and a said it has not the block");
        assertTrue(s.onBlock(b, atB));
        assertEquals(List.of(atA), wants(s.poll(T0)).get(b));
        // b does not answer in time: everyone was tried, so both are asked again, after the retry delay
        List<WantScheduler.Request> later = s.poll(T0.plusSeconds(11));
        WantScheduler.Request toB = later.stream().filter(r -> r.peer().equals(b)).findFirst().orElseThrow();
        assertEquals(List.of(atA), toB.cancels(), "the peer that timed out is told to cancel");
        assertTrue(later.stream().allMatch(r -> r.wantBlocks().isEmpty()), "not at once: " + later);
        assertTrue(s.poll(T0.plusMillis(11_500)).isEmpty());
        List<WantScheduler.Request> retry = s.poll(T0.plusSeconds(12));
        WantScheduler.Request toA = retry.stream().filter(r -> r.peer().equals(a)).findFirst().orElseThrow();
        assertEquals(List.of(atA), toA.wantBlocks());
        s.removePeer(a);
        assertEquals(List.of(atA), wants(s.poll(T0.plusSeconds(12))).get(b));
        assertFalse(s.done());
        s.onBlock(b, atA);
        assertTrue(s.done());
    }

    @Test
    void aBannedPeerIsNeverAskedAgain() {
        WantScheduler s = new WantScheduler(8, Duration.ofSeconds(10));
        s.addPeer(a);
        s.want(cid(1));
        assertEquals(1, wants(s.poll(T0)).get(a).size());
        assertTrue(s.asked(a, cid(1).multihash()));
        s.ban(a);
        s.addPeer(a);
        assertTrue(s.poll(T0).isEmpty());
        assertTrue(s.peers().isEmpty());
        s.addPeer(b);
        assertEquals(List.of(cid(1)), wants(s.poll(T0)).get(b));
    }
}
