package org.jlibp2p.autonat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.autonat.Reachability;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's limits and the client's tracker, as state machines fed the time. */
@Timeout(10)
class ServerStateTest {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    private static Multiaddr a(String s) throws IOException {
        return Multiaddr.parse(s);
    }

    @Test
    void rateLimitsPerPeerGloballyAndInFlightThenTheWindowMoves() {
        RateLimiter l = new RateLimiter(5, 2, 3);
        PeerId p = peer();
        assertNull(l.admit(p, t0));
        assertEquals("a request of this peer is in flight", l.admit(p, t0));
        l.done(p);
        assertNull(l.admit(p, t0));
        l.done(p);
        assertEquals("too many requests from this peer", l.admit(p, t0.plusSeconds(59)));
        assertNull(l.admit(p, t0.plusSeconds(60)), "a minute later the peer may ask again");
        l.done(p);
        PeerId q = peer();
        PeerId r = peer();
        PeerId s = peer();
        assertNull(l.admit(q, t0.plusSeconds(60)));
        assertNull(l.admit(r, t0.plusSeconds(60)));
        assertNull(l.admit(s, t0.plusSeconds(60)));
        assertEquals("too many dial-backs in flight", l.admit(peer(), t0.plusSeconds(60)));
        l.done(q);
        l.done(r);
        assertNull(l.admit(peer(), t0.plusSeconds(61)), "the fifth of the last minute");
        assertEquals("too many requests", l.admit(peer(), t0.plusSeconds(61)), "five in the last minute");
    }

    @Test
    void aFloodOfPeersKeepsTheLimiterSmall() {
        RateLimiter l = new RateLimiter(30, 3, 8);
        for (int i = 0; i < 10_000; i++) {
            PeerId p = peer();
            if (l.admit(p, t0.plusMillis(i)) == null) {
                l.done(p);
            }
        }
        assertTrue(l.trackedPeers(t0.plusMillis(10_000)) <= 30);
    }

    @Test
    void v1DialsOnlyPublicTcpAddressesAtTheRequestersOwnIp() throws IOException {
        DialPolicy strict = new DialPolicy(false);
        Multiaddr observed = a("/ip4/203.0.113.5/tcp/55555");
        assertEquals(List.of(a("/ip4/203.0.113.5/tcp/4001")), strict.v1Targets(List.of(
                a("/ip4/198.51.100.1/tcp/4001"),            // someone else: the amplification the rule stops
                a("/ip4/203.0.113.5/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"),
                a("/ip4/203.0.113.5/tcp/0"),
                a("/ip4/203.0.113.5/udp/4001/quic-v1"),
                a("/ip4/203.0.113.5/tcp/4001")), observed));
        Multiaddr lo = a("/ip4/127.0.0.1/tcp/4001");
        assertTrue(strict.v1Targets(List.of(lo), a("/ip4/127.0.0.1/tcp/1")).isEmpty(), "loopback refused");
        assertFalse(strict.dialable(a("/ip4/10.214.0.1/tcp/1")));
        assertFalse(strict.dialable(a("/ip4/100.64.0.1/tcp/1")), "carrier-grade NAT space");
        assertFalse(strict.dialable(a("/ip6/fd00::1/tcp/1")));
        assertFalse(strict.dialable(a("/ip4/224.0.0.251/tcp/1")));
        assertEquals(List.of(lo), new DialPolicy(true).v1Targets(List.of(lo), a("/ip4/127.0.0.1/tcp/1")),
                "unless private addresses are allowed");
    }

    @Test
    void reachabilityChangesOnlyWhenDistinctServersAgree() throws IOException {
        ReachabilityTracker t = new ReachabilityTracker(3);
        PeerId s1 = peer();
        PeerId s2 = peer();
        PeerId s3 = peer();
        Optional<Multiaddr> at = Optional.of(a("/ip4/203.0.113.5/tcp/4001"));
        assertFalse(t.answer(s1, Reachability.PUBLIC, at));
        assertFalse(t.answer(s1, Reachability.PUBLIC, at), "one server twice is one voice");
        assertFalse(t.answer(s2, Reachability.PUBLIC, at));
        assertEquals(Reachability.UNKNOWN, t.reachability());
        assertTrue(t.answer(s3, Reachability.PUBLIC, at));
        assertEquals(Reachability.PUBLIC, t.reachability());
        assertEquals(at, t.address());

        assertFalse(t.answer(s1, Reachability.PRIVATE, Optional.empty()), "one dissenter changes nothing");
        assertFalse(t.answer(s2, Reachability.PRIVATE, Optional.empty()));
        assertEquals(Reachability.PUBLIC, t.reachability());
        assertTrue(t.answer(s3, Reachability.PRIVATE, Optional.empty()));
        assertEquals(Reachability.PRIVATE, t.reachability());
        assertEquals(Optional.empty(), t.address());

        assertFalse(t.answer(s1, Reachability.UNKNOWN, Optional.empty()));
        assertFalse(t.answer(s2, Reachability.UNKNOWN, Optional.empty()));
        assertTrue(t.answer(s3, Reachability.UNKNOWN, Optional.empty()), "three inconclusive answers in a row");
        assertEquals(Reachability.UNKNOWN, t.reachability());
    }

    @Test
    void aSingleConfirmationFollowsEachAnswer() {
        ReachabilityTracker t = new ReachabilityTracker(1);
        assertTrue(t.answer(peer(), Reachability.PRIVATE, Optional.empty()));
        assertTrue(t.answer(peer(), Reachability.PUBLIC, Optional.empty()));
        assertEquals(Reachability.PUBLIC, t.reachability());
        assertFalse(t.answer(peer(), Reachability.PUBLIC, Optional.empty()));
    }
}
