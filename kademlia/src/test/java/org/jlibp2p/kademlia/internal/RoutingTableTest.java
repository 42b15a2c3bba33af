package org.jlibp2p.kademlia.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RoutingTableTest {
    private final Random random = new Random(5);
    private final PeerId self = Peers.random(random);

    private static List<Multiaddr> at(String ip) throws Exception {
        return List.of(Multiaddr.parse("/ip4/" + ip + "/tcp/4001"));
    }

    /** A peer whose key shares exactly {@code cpl} leading bits with {@code local}. */
    private PeerId peerInBucket(RoutingTable t, int cpl) {
        for (int i = 0; i < 1_000_000; i++) {
            PeerId p = Peers.random(random);
            if (t.bucketOf(KadKey.of(p)) == cpl) {
                return p;
            }
        }
        throw new AssertionError("no peer found for bucket " + cpl);
    }

    @Test
    void aFullBucketKeepsNewcomersAsReplacementsAndPromotesOneWhenAPeerFails() throws Exception {
        RoutingTable t = new RoutingTable(self, 3, 10, 10);
        List<PeerId> in = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PeerId p = peerInBucket(t, 0);
            assertEquals(RoutingTable.Outcome.ADDED, t.add(p, List.of(), i));
            in.add(p);
        }
        PeerId late = peerInBucket(t, 0);
        assertEquals(RoutingTable.Outcome.PENDING, t.add(late, List.of(), 9));
        assertFalse(t.contains(late));
        assertEquals(3, t.bucketSize(0));

        assertEquals(Optional.of(late), t.remove(in.get(1)));
        assertTrue(t.contains(late));
        assertFalse(t.contains(in.get(1)));
        assertEquals(3, t.size());
        assertEquals(Optional.empty(), t.remove(in.get(0)), "no replacement left");
        assertEquals(2, t.size());
    }

    @Test
    void seeingAPeerAgainUpdatesItInsteadOfAddingIt() throws Exception {
        RoutingTable t = new RoutingTable(self, 20, 10, 10);
        PeerId p = Peers.random(random);
        assertEquals(RoutingTable.Outcome.ADDED, t.add(p, at("1.2.3.4"), 1));
        assertEquals(RoutingTable.Outcome.UPDATED, t.add(p, at("1.2.3.5"), 2));
        assertEquals(1, t.size());
        assertEquals(at("1.2.3.5"), t.find(p).orElseThrow().addresses());
        assertEquals(2, t.find(p).orElseThrow().lastSeen());
        assertEquals(RoutingTable.Outcome.SELF, t.add(self, List.of(), 3));
        assertEquals(1, t.size());
    }

    @Test
    void peersOfOnePublicSlash16AreCappedPerBucketAndPerTable() throws Exception {
        RoutingTable t = new RoutingTable(self, 20, 2, 3);
        assertEquals(RoutingTable.Outcome.ADDED, t.add(peerInBucket(t, 0), at("8.8.1.1"), 0));
        assertEquals(RoutingTable.Outcome.ADDED, t.add(peerInBucket(t, 0), at("8.8.2.2"), 0));
        assertEquals(RoutingTable.Outcome.REFUSED_DIVERSITY, t.add(peerInBucket(t, 0), at("8.8.3.3"), 0),
                "a third of 8.8/16 in one bucket");
        assertEquals(RoutingTable.Outcome.ADDED, t.add(peerInBucket(t, 1), at("8.8.4.4"), 0));
        assertEquals(RoutingTable.Outcome.REFUSED_DIVERSITY, t.add(peerInBucket(t, 2), at("8.8.5.5"), 0),
                "a fourth of 8.8/16 in the table");
        assertEquals(RoutingTable.Outcome.ADDED, t.add(peerInBucket(t, 2), at("9.9.5.5"), 0), "another /16");
        for (int i = 0; i < 5; i++) {
            assertEquals(RoutingTable.Outcome.ADDED, t.add(peerInBucket(t, 0), at("127.0.0." + (i + 1)), 0),
                    "loopback is not grouped");
            assertEquals(RoutingTable.Outcome.ADDED, t.add(peerInBucket(t, 1), at("192.168.0." + (i + 1)), 0),
                    "private addresses are not grouped");
        }
    }

    @Test
    void removingAGroupedPeerFreesItsPlaceInTheTableCount() throws Exception {
        RoutingTable t = new RoutingTable(self, 20, 2, 2);
        PeerId a = peerInBucket(t, 0);
        t.add(a, at("8.8.1.1"), 0);
        t.add(peerInBucket(t, 1), at("8.8.1.2"), 0);
        PeerId c = peerInBucket(t, 2);
        assertEquals(RoutingTable.Outcome.REFUSED_DIVERSITY, t.add(c, at("8.8.1.3"), 0));
        t.remove(a);
        assertEquals(RoutingTable.Outcome.ADDED, t.add(c, at("8.8.1.3"), 0));
    }

    @Test
    void closestIsTheTrueOrderByXorDistance() {
        RoutingTable t = new RoutingTable(self, 20, 10, 10);
        List<PeerId> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            PeerId p = Peers.random(random);
            if (t.add(p, List.of(), i) == RoutingTable.Outcome.ADDED) {
                all.add(p);
            }
        }
        assertEquals(all.size(), t.size());
        KadKey target = KadKey.of(new byte[] {1, 2, 3});
        List<PeerId> expected = all.stream()
                .sorted(Comparator.comparing(p -> KadKey.of(p).distance(target)))
                .limit(20).toList();
        assertEquals(expected, t.closest(target, 20).stream().map(RoutingTable.Entry::peer).toList());
    }

    @Test
    void commonPrefixLengthCountsLeadingEqualBits() {
        KadKey a = KadKey.ofHash(new byte[32]);
        byte[] b = new byte[32];
        b[1] = 0x10; // bit 11 differs
        assertEquals(11, a.commonPrefixLength(KadKey.ofHash(b)));
        assertEquals(256, a.commonPrefixLength(a));
        b[0] = (byte) 0x80;
        assertEquals(0, a.commonPrefixLength(KadKey.ofHash(b)));
    }

    @Test
    void closestSortsOnlyTheBucketsItNeedsYetAnswersAsAFullSortWould() {
        RoutingTable t = new RoutingTable(self, 20, 10, 10);
        List<PeerId> all = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            PeerId p = Peers.random(random);
            if (t.add(p, List.of(), i) == RoutingTable.Outcome.ADDED) {
                all.add(p);
            }
        }
        assertTrue(all.size() > 100, "a table of several buckets: " + all.size());
        List<KadKey> targets = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            targets.add(KadKey.of(Peers.random(random)));
        }
        targets.add(t.localKey());
        targets.add(KadKey.of(all.get(0)));
        for (KadKey target : targets) {
            for (int count : new int[] {1, 20, 21, all.size(), all.size() + 5}) {
                List<PeerId> expected = all.stream()
                        .sorted(Comparator.comparing(KadKey::of, target::compareDistance))
                        .limit(count).toList();
                List<PeerId> got = t.closest(target, count).stream().map(RoutingTable.Entry::peer).toList();
                assertEquals(expected, got, "closest " + count + " to " + target);
            }
        }
    }
}
