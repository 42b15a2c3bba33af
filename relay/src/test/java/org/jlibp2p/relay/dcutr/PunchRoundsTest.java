package org.jlibp2p.relay.dcutr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.proto.holepunch.HolePunchProtos.HolePunch;
import org.jlibp2p.relay.RelayProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PunchRoundsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theDialWaitsHalfTheRoundTripAndThreeRoundsAreTriedAtMost() {
        PunchRounds r = new PunchRounds(3);
        r.connectSent(T0);
        assertEquals(Duration.ofMillis(40), r.connectReceived(T0.plusMillis(80)));
        assertEquals(Duration.ofMillis(80), r.rtt());
        assertTrue(r.dialFailed(), "a second round");
        r.connectSent(T0.plusSeconds(5));
        assertEquals(Duration.ofMillis(10), r.connectReceived(T0.plusSeconds(5).plusMillis(20)), "measured anew");
        assertTrue(r.dialFailed());
        r.connectSent(T0.plusSeconds(10));
        r.connectReceived(T0.plusSeconds(10));
        assertFalse(r.dialFailed(), "no fourth round");
        assertEquals(3, r.attempt());
        assertEquals(PunchRounds.State.DONE, r.state());
        assertThrows(IllegalStateException.class, () -> r.connectSent(T0));
    }

    @Test
    void outOfOrderStepsAreRefused() {
        PunchRounds r = new PunchRounds(3);
        assertThrows(IllegalStateException.class, () -> r.connectReceived(T0));
        r.connectSent(T0);
        assertThrows(IllegalStateException.class, () -> r.connectSent(T0));
        assertEquals(Duration.ZERO, r.connectReceived(T0.minusSeconds(1)), "a clock stepping back gives no wait");
    }

    @Test
    void theCodecKeepsAddressesAndRefusesOversizedOrUntypedMessages() throws Exception {
        Multiaddr a = Multiaddr.parse("/ip4/10.213.0.2/tcp/4001");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DcutrCodec.write(out, DcutrCodec.connect(List.of(a)));
        HolePunch back = DcutrCodec.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(HolePunch.Type.CONNECT, back.getType());
        assertEquals(List.of(a), DcutrCodec.addrs(back));
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        LengthPrefixed.write(big, new byte[5000]);
        assertThrows(RelayProtocolException.class, () -> DcutrCodec.read(new ByteArrayInputStream(big.toByteArray())));
        ByteArrayOutputStream untyped = new ByteArrayOutputStream();
        LengthPrefixed.write(untyped, new byte[] {0x12, 0x01, 0x00}); // ObsAddrs only: type is required
        assertThrows(RelayProtocolException.class,
                () -> DcutrCodec.read(new ByteArrayInputStream(untyped.toByteArray())));
        ByteArrayOutputStream sync = new ByteArrayOutputStream();
        DcutrCodec.write(sync, DcutrCodec.sync());
        assertThrows(RelayProtocolException.class,
                () -> DcutrCodec.expect(new ByteArrayInputStream(sync.toByteArray()), HolePunch.Type.CONNECT));
        assertThrows(IOException.class, () -> DcutrCodec.read(new ByteArrayInputStream(new byte[0])));
    }
}
