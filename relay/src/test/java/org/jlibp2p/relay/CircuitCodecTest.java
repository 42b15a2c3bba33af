package org.jlibp2p.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.proto.circuit.CircuitProtos.HopMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CircuitCodecTest {
    private static InputStream framed(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixed.write(out, body);
        return new ByteArrayInputStream(out.toByteArray());
    }

    @Test
    void aHopMessageRoundTrips() throws IOException {
        PeerId p = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
        HopMessage m = HopMessage.newBuilder().setType(HopMessage.Type.CONNECT)
                .setPeer(CircuitCodec.peer(p, List.of())).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CircuitCodec.write(out, m);
        HopMessage back = CircuitCodec.readHop(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(p, CircuitCodec.peerId(back.getPeer()));
    }

    @Test
    void anOversizedMessageIsRefusedBeforeItIsRead() {
        // A length prefix of 1 GiB with no body: refused on the prefix alone.
        byte[] prefix = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04};
        assertThrows(RelayProtocolException.class, () -> CircuitCodec.readHop(new ByteArrayInputStream(prefix)));
        assertThrows(RelayProtocolException.class, () -> CircuitCodec.readHop(framed(new byte[4097])));
    }

    @Test
    void aMessageWithoutTypeOrUndecodableIsMalformed() {
        assertThrows(RelayProtocolException.class, () -> CircuitCodec.readHop(framed(new byte[0])));
        assertThrows(RelayProtocolException.class, () -> CircuitCodec.readStop(framed(new byte[] {0x0a, 0x7f})));
    }

    @Property(tries = 300)
    void garbageFailsOnlyWithProtocolOrEndOfStream(@ForAll byte[] junk) {
        try {
            CircuitCodec.readHop(new ByteArrayInputStream(junk));
            CircuitCodec.readStop(new ByteArrayInputStream(junk));
        } catch (IOException e) {
            // the only allowed outcome besides a decoded message
        }
    }

    @Test
    void aVoucherRoundTripsAndOneSignedByAnotherKeyIsRefused() throws IOException {
        KeyPair relay = Keys.generateEd25519();
        KeyPair other = Keys.generateEd25519();
        PeerId relayId = PeerId.fromPublicKey(relay.publicKey());
        PeerId peer = PeerId.fromPublicKey(other.publicKey());
        ReservationVoucher v = new ReservationVoucher(relayId, peer, Instant.ofEpochSecond(1_900_000_000));
        assertEquals(v, ReservationVoucher.open(v.seal(relay.privateKey())));
        assertThrows(IllegalArgumentException.class, () -> v.seal(other.privateKey()));
        // A voucher naming relayId but signed by another key.
        byte[] forged = new ReservationVoucher(PeerId.fromPublicKey(other.publicKey()), peer, v.expiration())
                .seal(other.privateKey());
        ReservationVoucher opened = ReservationVoucher.open(forged);
        assertTrue(!opened.relay().equals(relayId));
        byte[] tampered = v.seal(relay.privateKey());
        tampered[tampered.length - 1] ^= 1;
        assertThrows(RelayProtocolException.class, () -> ReservationVoucher.open(tampered));
        assertThrows(RelayProtocolException.class, () -> ReservationVoucher.open(new byte[] {1, 2, 3}));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void garbageOnTheHopProtocolCostsItsSenderTheStreamNotTheRelay() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            var c = n.node(1).swarm().dial(n.relay().address());
            try (Stream s = c.newStream(RelayService.HOP_PROTOCOL_ID)) {
                s.output().write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
                s.output().flush();
                HopMessage answer = CircuitCodec.readHop(s.input());
                assertEquals(RelayStatus.MALFORMED_MESSAGE, CircuitCodec.status(answer.getStatusValue()));
            }
            try (Stream s = c.newStream(RelayService.HOP_PROTOCOL_ID)) {
                CircuitCodec.write(s.output(), CircuitCodec.hopStatus(RelayStatus.OK));
                HopMessage answer = CircuitCodec.readHop(s.input());
                assertEquals(RelayStatus.UNEXPECTED_MESSAGE, CircuitCodec.status(answer.getStatusValue()));
            }
            assertTrue(c.isOpen());
            assertEquals(n.relay().peerId(), n.reserve(2).relay(), "the relay still serves");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aStopFromAPeerThatIsNotOurRelayOrGarbageIsRefusedAndTheClientGoesOn() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults())) {
            // Node 1 holds no reservation with node 2: node 2 may not open circuits to it.
            var c = n.node(2).swarm().dial(n.node(1).address());
            try (Stream s = c.newStream(RelayService.STOP_PROTOCOL_ID)) {
                CircuitCodec.write(s.output(), org.jlibp2p.proto.circuit.CircuitProtos.StopMessage.newBuilder()
                        .setType(org.jlibp2p.proto.circuit.CircuitProtos.StopMessage.Type.CONNECT)
                        .setPeer(CircuitCodec.peer(n.node(2).peerId(), List.of())).build());
                var answer = CircuitCodec.readStop(s.input());
                assertEquals(RelayStatus.PERMISSION_DENIED, CircuitCodec.status(answer.getStatusValue()));
            }
            try (Stream s = c.newStream(RelayService.STOP_PROTOCOL_ID)) {
                s.output().write(new byte[] {0x05, 1, 2, 3, 4, 5});
                s.output().flush();
                var answer = CircuitCodec.readStop(s.input());
                assertEquals(RelayStatus.MALFORMED_MESSAGE, CircuitCodec.status(answer.getStatusValue()));
            }
            assertTrue(c.isOpen());
            assertTrue(n.node(1).swarm().connections().stream().noneMatch(x -> x.limited()),
                    "no connection was made of a refused stop");
            n.reserve(1);
        }
    }
}
