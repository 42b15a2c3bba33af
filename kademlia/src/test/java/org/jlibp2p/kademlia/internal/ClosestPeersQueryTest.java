package org.jlibp2p.kademlia.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.internal.ClosestPeersQuery.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lookup state machine against a simulated network of 1,000 peers, each knowing its 20 true closest plus a few
 * random ones, driven by hand: no threads, no clock but the numbers passed in.
 */
@Timeout(60)
class ClosestPeersQueryTest {
    private static final long TIMEOUT = 10;
    private final Random random = new Random(3);
    private final List<PeerId> network = new ArrayList<>();
    private final Map<PeerId, List<PeerId>> knows = new HashMap<>();
    private final Map<PeerId, KadKey> keys = new HashMap<>();

    private KadKey key(PeerId p) {
        return keys.computeIfAbsent(p, KadKey::of);
    }

    ClosestPeersQueryTest() {
        for (int i = 0; i < 1000; i++) {
            network.add(Peers.random(random));
        }
        for (PeerId p : network) {
            KadKey key = key(p);
            List<PeerId> table = new ArrayList<>(network.stream().filter(q -> !q.equals(p))
                    .sorted((a, b) -> key.compareDistance(key(a), key(b))).limit(20).toList());
            for (int i = 0; i < 30; i++) {
                table.add(network.get(random.nextInt(network.size())));
            }
            knows.put(p, table);
        }
    }

    /** What a peer answers: the 20 of its table closest to the target. */
    private List<PeerId> answer(PeerId peer, KadKey target) {
        return knows.get(peer).stream().sorted((a, b) -> target.compareDistance(key(a), key(b)))
                .limit(20).toList();
    }

    private List<PeerId> truth(KadKey target) {
        return network.stream().sorted((a, b) -> target.compareDistance(key(a), key(b))).limit(20).toList();
    }

    private List<PeerId> start() {
        List<PeerId> s = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            s.add(network.get(random.nextInt(network.size())));
        }
        return s;
    }

    /**
     * Runs a lookup where {@code bad} peers answer with {@code badAnswer} and {@code dead} ones never answer;
     * answers arrive one per time unit, in order of request.
     */
    private ClosestPeersQuery run(KadKey target, Set<PeerId> dead, Set<PeerId> bad,
            java.util.function.Function<PeerId, List<PeerId>> badAnswer) {
        return (ClosestPeersQuery) run(new ClosestPeersQuery(target, start(), 20, 3, TIMEOUT, 1000), target, dead,
                bad, badAnswer);
    }

    private PeerLookup run(PeerLookup q, KadKey target, Set<PeerId> dead, Set<PeerId> bad,
            java.util.function.Function<PeerId, List<PeerId>> badAnswer) {
        java.util.ArrayDeque<PeerId> inFlight = new java.util.ArrayDeque<>();
        Set<PeerId> asked = new HashSet<>();
        long now = 0;
        for (int step = 0; step < 100_000; step++) {
            Action a = q.next(now);
            if (a instanceof Action.Finished) {
                return q;
            }
            if (a instanceof Action.Send s) {
                inFlight.add(s.peer());
                continue;
            }
            // Wait: deliver the oldest answer, or let time pass for the dead.
            now++;
            PeerId p = inFlight.poll();
            if (p == null) {
                continue;
            }
            if (dead.contains(p)) {
                continue; // never answers: its timeout frees the slot
            }
            assertTrue(asked.add(p), "no peer is asked twice");
            q.onSuccess(p, bad.contains(p) ? badAnswer.apply(p) : answer(p, target));
        }
        throw new AssertionError("the lookup did not end");
    }

    @Test
    void findsTheTwentyTrueClosestInAHealthyNetwork() {
        for (int i = 0; i < 20; i++) {
            KadKey target = KadKey.of(Peers.random(random));
            ClosestPeersQuery q = run(target, Set.of(), Set.of(), p -> List.of());
            assertEquals(truth(target), q.closest());
            assertTrue(q.requests() < 200, "requests: " + q.requests());
        }
    }

    @Test
    void peersAnsweringWithTwentyUnreachableIdsSlowTheLookupButDoNotBreakIt() {
        Set<PeerId> bad = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            bad.add(network.get(random.nextInt(network.size())));
        }
        Set<PeerId> ghosts = new HashSet<>();
        java.util.function.Function<PeerId, List<PeerId>> lies = p -> {
            List<PeerId> g = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                g.add(Peers.random(random));
            }
            ghosts.addAll(g);
            return g;
        };
        int found = 0;
        for (int i = 0; i < 20; i++) {
            KadKey target = KadKey.of(Peers.random(random));
            ClosestPeersQuery q = run(target, ghosts, bad, lies);
            List<PeerId> expected = truth(target);
            List<PeerId> got = q.closest();
            assertTrue(got.stream().noneMatch(ghosts::contains), "ghosts never answer, so never count");
            if (got.containsAll(expected.subList(0, 5))) {
                found++;
            }
        }
        assertTrue(found >= 18, "the 5 closest found in " + found + " of 20 lookups");
    }

    @Test
    void peersAnsweringWithThemselvesOnlyAreHarmless() {
        Set<PeerId> bad = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            bad.add(network.get(random.nextInt(network.size())));
        }
        for (int i = 0; i < 10; i++) {
            KadKey target = KadKey.of(Peers.random(random));
            ClosestPeersQuery q = run(target, Set.of(), bad, List::of);
            List<PeerId> expected = truth(target);
            assertTrue(q.closest().containsAll(expected.subList(0, 3)), "the 3 closest found");
        }
    }

    @Test
    void disjointPathsFindTheTrueClosestAndAskNoPeerTwice() {
        for (int i = 0; i < 10; i++) {
            KadKey target = KadKey.of(Peers.random(random));
            PeerLookup q = run(new DisjointPeersQuery(target, start(), 20, 6, 3, TIMEOUT, 1000), target, Set.of(),
                    Set.of(), p -> List.of());
            assertEquals(truth(target), q.closest());
        }
    }

    @Test
    void disjointPathsResistAnEclipseThatCapturesAPlainLookup() {
        // A fifth of the peers collude: asked anything, each names 20 of its accomplices, never an honest peer.
        List<PeerId> colluders = new ArrayList<>();
        for (int i = 0; i < network.size(); i += 5) {
            colluders.add(network.get(i));
        }
        Set<PeerId> bad = new HashSet<>(colluders);
        java.util.function.Function<PeerId, List<PeerId>> eclipse = p -> {
            List<PeerId> out = new ArrayList<>();
            for (int j = 0; j < 20; j++) {
                out.add(colluders.get(random.nextInt(colluders.size())));
            }
            return out;
        };
        int plain = 0;
        int disjoint = 0;
        for (int i = 0; i < 30; i++) {
            KadKey target = KadKey.of(Peers.random(random));
            PeerId closestHonest = truth(target).stream().filter(p -> !bad.contains(p)).findFirst().orElseThrow();
            List<PeerId> starts = start();
            if (run(new ClosestPeersQuery(target, starts, 20, 3, TIMEOUT, 1000), target, Set.of(), bad, eclipse)
                    .closest().contains(closestHonest)) {
                plain++;
            }
            if (run(new DisjointPeersQuery(target, starts, 20, 6, 3, TIMEOUT, 1000), target, Set.of(), bad, eclipse)
                    .closest().contains(closestHonest)) {
                disjoint++;
            }
        }
        assertTrue(disjoint >= plain, "disjoint " + disjoint + " vs plain " + plain + " of 30");
        assertTrue(disjoint >= 27, "disjoint paths found the closest honest peer in " + disjoint + " of 30");
    }

    @Test
    void anUnansweredRequestFreesItsSlotAfterTheTimeoutAndALateAnswerStillCounts() {
        List<PeerId> start = network.subList(0, 5);
        ClosestPeersQuery q = new ClosestPeersQuery(KadKey.of(network.get(100)), start, 20, 2, TIMEOUT, 1000);
        Action a1 = q.next(0);
        Action a2 = q.next(0);
        PeerId first = ((Action.Send) a1).peer();
        assertInstanceOf(Action.Send.class, a2);
        Action w = q.next(0);
        assertEquals(new Action.Wait(TIMEOUT), w, "at capacity: wait until the first timeout");
        assertInstanceOf(Action.Wait.class, q.next(TIMEOUT - 1));
        assertInstanceOf(Action.Send.class, q.next(TIMEOUT), "both timed out: two more requests");
        assertTrue(q.isWaitingFor(first), "a timed-out peer may still answer");
        assertTrue(q.onSuccess(first, List.of()));
        assertFalse(q.onSuccess(first, List.of()), "a second answer is not expected");
        assertFalse(q.onSuccess(network.get(999), List.of()), "a peer never asked");
        assertEquals(List.of(first), q.closest());
    }

    @Test
    void aLookupWithNoPeersEndsAtOnceAndOneThatRanOutOfPeersEndsToo() {
        ClosestPeersQuery empty = new ClosestPeersQuery(KadKey.of(new byte[] {1}), List.of(), 20, 3, TIMEOUT, 100);
        assertInstanceOf(Action.Finished.class, empty.next(0));
        ClosestPeersQuery one = new ClosestPeersQuery(KadKey.of(new byte[] {1}), List.of(network.get(0)), 20, 3,
                TIMEOUT, 100);
        PeerId p = ((Action.Send) one.next(0)).peer();
        assertInstanceOf(Action.Wait.class, one.next(0));
        one.onFailure(p);
        assertInstanceOf(Action.Finished.class, one.next(1));
        assertEquals(List.of(), one.closest());
        assertEquals(1, one.failures());
    }

    @Test
    void theLookupTracksAtMostItsBoundOfPeersKeepingTheClosest() {
        KadKey target = KadKey.of(new byte[] {9});
        ClosestPeersQuery q = new ClosestPeersQuery(target, List.of(network.get(0)), 20, 1, TIMEOUT, 50);
        PeerId p = ((Action.Send) q.next(0)).peer();
        q.onSuccess(p, network.subList(1, 1000));
        List<PeerId> expectedFirst = network.subList(1, 1000).stream()
                .sorted((a, b) -> target.compareDistance(key(a), key(b))).limit(1).toList();
        assertEquals(expectedFirst.getFirst(), ((Action.Send) q.next(0)).peer(), "the closest offered is asked next");
    }
}
