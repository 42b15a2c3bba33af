package org.jlibp2p.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ObservedAddressesTest {
    private static final Duration TTL = Duration.ofMinutes(30);
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Multiaddr seen = a("/ip4/203.0.113.7/tcp/4001");

    private static Multiaddr a(String s) {
        try {
            return Multiaddr.parse(s);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void observersAreGroupedByIpv4Slash16AndIpv6Slash64ButPrivateOnesCountAlone() {
        assertEquals(ObservedAddresses.group(a("/ip4/198.51.1.1/tcp/1")), ObservedAddresses.group(a("/ip4/198.51.200.9/tcp/2")));
        assertFalse(ObservedAddresses.group(a("/ip4/198.51.1.1/tcp/1")).equals(ObservedAddresses.group(a("/ip4/198.52.1.1/tcp/1"))));
        assertEquals(ObservedAddresses.group(a("/ip6/2001:db8:1:2::1/tcp/1")),
                ObservedAddresses.group(a("/ip6/2001:db8:1:2:ffff::9/tcp/1")));
        assertFalse(ObservedAddresses.group(a("/ip6/2001:db8:1:2::1/tcp/1"))
                .equals(ObservedAddresses.group(a("/ip6/2001:db8:1:3::1/tcp/1"))));
        assertFalse(ObservedAddresses.group(a("/ip4/10.214.0.1/tcp/1")).equals(ObservedAddresses.group(a("/ip4/10.214.0.2/tcp/1"))),
                "on a LAN every host is an observer of its own");
    }

    @Test
    void confirmedByFourGroupsThenWithdrawnOnceTheirConnectionsAreClosedForLongerThanTheTtl() {
        ObservedAddresses o = new ObservedAddresses(4, TTL);
        int confirmedAt = -1;
        for (int i = 0; i < 4; i++) {
            if (o.report(i, seen, a("/ip4/198." + (50 + i) + ".0.1/tcp/5000"), t0)) {
                confirmedAt = i;
            }
        }
        assertEquals(3, confirmedAt, "the fourth group confirms");
        assertFalse(o.report(9, seen, a("/ip4/198.99.0.1/tcp/5000"), t0), "confirmed once only");
        assertTrue(o.expire(t0.plus(Duration.ofHours(5))).isEmpty(), "open connections keep their votes alive");

        Instant closedAt = t0.plus(Duration.ofHours(5));
        for (long i = 0; i < 4; i++) {
            o.closed(i, closedAt);
        }
        o.closed(9, closedAt);
        assertTrue(o.expire(closedAt.plus(TTL).minusSeconds(1)).isEmpty(), "closed votes last for the ttl");
        assertEquals(List.of(seen), o.expire(closedAt.plus(TTL)), "then the address is no longer confirmed");
        assertFalse(o.isConfirmed(seen));
    }

    @Test
    void oneNetworkRepeatingItselfUnderManyConnectionsNeverConfirms() {
        ObservedAddresses o = new ObservedAddresses(4, TTL);
        for (int i = 0; i < 1000; i++) {
            assertFalse(o.report(i, seen, a("/ip4/198.51." + (i % 250) + "." + (i % 200 + 1) + "/tcp/" + (1000 + i)), t0));
        }
    }

    @Test
    void aConnectionThatReportsAgainMovesItsVote() {
        ObservedAddresses o = new ObservedAddresses(2, TTL);
        Multiaddr other = a("/ip4/203.0.113.8/tcp/4001");
        assertFalse(o.report(1, seen, a("/ip4/198.51.0.1/tcp/1"), t0));
        assertFalse(o.report(1, other, a("/ip4/198.51.0.1/tcp/1"), t0));
        assertTrue(o.report(2, other, a("/ip4/198.52.0.1/tcp/1"), t0));
        o.closed(1, t0);
        o.closed(2, t0);
        assertEquals(List.of(other), o.expire(t0.plus(TTL)));
    }

    @Test
    void manyAddressesStayBounded() {
        ObservedAddresses o = new ObservedAddresses(1, TTL);
        for (int i = 0; i < 10_000; i++) {
            o.report(i, a("/ip4/203.0." + (i / 250) % 250 + "." + (i % 250) + "/tcp/4001"), a("/ip4/198.51.0.1/tcp/1"), t0);
        }
        int confirmed = 0;
        for (int i = 0; i < 10_000; i++) {
            if (o.isConfirmed(a("/ip4/203.0." + (i / 250) % 250 + "." + (i % 250) + "/tcp/4001"))) {
                confirmed++;
            }
        }
        assertTrue(confirmed <= ObservedAddresses.MAX_ADDRESSES, "at most " + ObservedAddresses.MAX_ADDRESSES + ": " + confirmed);
    }
}
