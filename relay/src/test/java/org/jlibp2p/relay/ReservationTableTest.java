package org.jlibp2p.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.relay.internal.ReservationTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReservationTableTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    @Test
    void aReservationExpiresAfterItsTtlUnlessRenewed() {
        ReservationTable t = new ReservationTable(Duration.ofHours(1), 128, 8, 16);
        PeerId p = peer();
        var o = t.reserve(p, Optional.of("10.0.0.1"), T0);
        assertEquals(RelayStatus.OK, o.status());
        assertEquals(T0.plus(Duration.ofHours(1)), o.expire());
        assertTrue(t.hasReservation(p, T0.plusSeconds(3599)));
        assertFalse(t.hasReservation(p, T0.plusSeconds(3600)));
        t.reserve(p, Optional.of("10.0.0.1"), T0.plusSeconds(3000));
        assertTrue(t.hasReservation(p, T0.plusSeconds(3600)));
        t.expire(T0.plusSeconds(6600));
        assertEquals(0, t.reservationCount());
    }

    @Test
    void theTotalAndPerIpCapsHoldAndRenewalsKeepTheirSlot() {
        ReservationTable t = new ReservationTable(Duration.ofHours(1), 4, 2, 16);
        PeerId a = peer();
        assertEquals(RelayStatus.OK, t.reserve(a, Optional.of("10.0.0.1"), T0).status());
        assertEquals(RelayStatus.OK, t.reserve(peer(), Optional.of("10.0.0.1"), T0).status());
        assertEquals(RelayStatus.RESERVATION_REFUSED, t.reserve(peer(), Optional.of("10.0.0.1"), T0).status());
        assertEquals(RelayStatus.OK, t.reserve(a, Optional.of("10.0.0.1"), T0).status(), "renewal");
        assertEquals(RelayStatus.OK, t.reserve(peer(), Optional.of("10.0.0.2"), T0).status());
        assertEquals(RelayStatus.OK, t.reserve(peer(), Optional.empty(), T0).status());
        assertEquals(RelayStatus.RESERVATION_REFUSED, t.reserve(peer(), Optional.of("10.0.0.3"), T0).status());
        assertEquals(4, t.reservationCount());
        t.drop(a);
        assertEquals(RelayStatus.OK, t.reserve(peer(), Optional.of("10.0.0.1"), T0).status(), "a's slot and IP share");
    }

    @Test
    void circuitsNeedAReservationAtTheDestinationAndAreCappedPerPeerAtBothEnds() {
        ReservationTable t = new ReservationTable(Duration.ofHours(1), 128, 8, 2);
        PeerId src = peer();
        PeerId dst = peer();
        PeerId dst2 = peer();
        assertEquals(RelayStatus.NO_RESERVATION, t.openCircuit(src, dst, T0));
        t.reserve(dst, Optional.empty(), T0);
        t.reserve(dst2, Optional.empty(), T0);
        assertEquals(RelayStatus.OK, t.openCircuit(src, dst, T0));
        assertEquals(RelayStatus.OK, t.openCircuit(src, dst2, T0));
        assertEquals(RelayStatus.RESOURCE_LIMIT_EXCEEDED, t.openCircuit(src, dst, T0), "src has 2");
        assertEquals(RelayStatus.OK, t.openCircuit(peer(), dst, T0));
        assertEquals(RelayStatus.RESOURCE_LIMIT_EXCEEDED, t.openCircuit(peer(), dst, T0), "dst has 2");
        t.closeCircuit(src, dst);
        assertEquals(RelayStatus.OK, t.openCircuit(src, dst2, T0));
        assertEquals(RelayStatus.NO_RESERVATION, t.openCircuit(peer(), dst, T0.plusSeconds(3600)), "expired");
    }
}
