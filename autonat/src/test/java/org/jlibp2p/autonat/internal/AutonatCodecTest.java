package org.jlibp2p.autonat.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jlibp2p.autonat.AutonatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.autonat.AutonatProtos;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class AutonatCodecTest {
    private final PeerId peer = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    @Test
    void v1MessagesSurviveARoundTripThroughTheFraming() throws IOException {
        Multiaddr a = Multiaddr.parse("/ip4/203.0.113.5/tcp/4001");
        List<AutonatV1Codec.Message> messages = List.of(
                new AutonatV1Codec.Dial(peer, List.of(a, Multiaddr.parse("/ip6/2001:db8::1/tcp/4001"))),
                new AutonatV1Codec.DialResponse(AutonatV1Codec.Status.OK, "OK", Optional.of(a)),
                new AutonatV1Codec.DialResponse(AutonatV1Codec.Status.E_DIAL_REFUSED, "no", Optional.empty()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (AutonatV1Codec.Message m : messages) {
            AutonatV1Codec.write(out, m);
        }
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        for (AutonatV1Codec.Message m : messages) {
            assertEquals(m, AutonatV1Codec.read(in));
        }
    }

    @Test
    void v1ReadsGoFieldNumbersAndStatusCodes() throws IOException {
        byte[] wire = AutonatProtos.Message.newBuilder().setType(AutonatProtos.Message.MessageType.DIAL_RESPONSE)
                .setDialResponse(AutonatProtos.Message.DialResponse.newBuilder()
                        .setStatus(AutonatProtos.Message.ResponseStatus.E_DIAL_ERROR).setStatusText("dial failed"))
                .build().toByteArray();
        // type = 1 (varint 1), dialResponse = 3 (length-delimited), status = 1 (varint 100)
        assertEquals(0x08, wire[0]);
        assertEquals(1, wire[1]);
        assertEquals(0x1a, wire[2]);
        assertEquals(new AutonatV1Codec.DialResponse(AutonatV1Codec.Status.E_DIAL_ERROR, "dial failed", Optional.empty()),
                AutonatV1Codec.decode(wire));
    }

    @Test
    void v1RefusesMalformedAndOversizedInputWithTypedErrors() throws IOException {
        assertThrows(AutonatException.class, () -> AutonatV1Codec.decode(new byte[] {(byte) 0xff, 1, 2}));
        assertThrows(AutonatException.class, () -> AutonatV1Codec.decode(AutonatProtos.Message.newBuilder()
                .setType(AutonatProtos.Message.MessageType.DIAL).build().toByteArray()), "DIAL without peer");
        assertThrows(AutonatException.class, () -> AutonatV1Codec.decode(AutonatProtos.Message.newBuilder()
                .setType(AutonatProtos.Message.MessageType.DIAL).setDial(AutonatProtos.Message.Dial.newBuilder()
                        .setPeer(AutonatProtos.Message.PeerInfo.newBuilder().setId(ByteString.copyFromUtf8("nope"))))
                .build().toByteArray()), "bad peer id");
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        Varint.write(1L << 30, big);
        assertThrows(FrameTooLargeException.class, () -> AutonatV1Codec.read(new ByteArrayInputStream(big.toByteArray())));
    }

    @Test
    void v1KeepsAtMostSixteenAddressesAndSkipsThoseThatDoNotParse() throws IOException {
        AutonatProtos.Message.PeerInfo.Builder pi = AutonatProtos.Message.PeerInfo.newBuilder()
                .setId(ByteString.copyFrom(peer.bytes()));
        pi.addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}));
        for (int i = 0; i < 100; i++) {
            pi.addAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/203.0.113.5/tcp/" + (1000 + i)).bytes()));
        }
        AutonatV1Codec.Dial d = (AutonatV1Codec.Dial) AutonatV1Codec.decode(AutonatProtos.Message.newBuilder()
                .setType(AutonatProtos.Message.MessageType.DIAL)
                .setDial(AutonatProtos.Message.Dial.newBuilder().setPeer(pi)).build().toByteArray());
        assertEquals(AutonatV1Codec.MAX_ADDRESSES, d.addresses().size());
        assertEquals(Multiaddr.parse("/ip4/203.0.113.5/tcp/1000"), d.addresses().get(0));
    }

    @Test
    void v2MessagesSurviveARoundTrip() throws IOException {
        List<AutonatV2Codec.Message> messages = List.of(
                new AutonatV2Codec.DialRequest(List.of(Multiaddr.parse("/ip4/203.0.113.5/tcp/4001")), -7L),
                new AutonatV2Codec.DialDataRequest(0, 30_000),
                new AutonatV2Codec.DialResponse(AutonatV2Codec.ResponseStatus.OK, 0, AutonatV2Codec.DialStatus.OK),
                new AutonatV2Codec.DialResponse(AutonatV2Codec.ResponseStatus.E_REQUEST_REJECTED, 0,
                        AutonatV2Codec.DialStatus.UNUSED));
        for (AutonatV2Codec.Message m : messages) {
            assertEquals(m, AutonatV2Codec.decode(AutonatV2Codec.encode(m)));
        }
        byte[] data = new byte[4096];
        AutonatV2Codec.DialDataResponse r = (AutonatV2Codec.DialDataResponse) AutonatV2Codec.decode(
                AutonatV2Codec.encode(new AutonatV2Codec.DialDataResponse(data)));
        assertArrayEquals(data, r.data());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AutonatV2Codec.writeDialBack(out, 0x1234_5678_9abc_def0L);
        assertEquals(0x1234_5678_9abc_def0L, AutonatV2Codec.readDialBack(new ByteArrayInputStream(out.toByteArray())));
    }

    @Test
    void v2FieldNumbersAreTheSpecs() throws IOException {
        // Message.dialRequest = 1; DialRequest.addrs = 1, nonce = 2 (fixed64)
        byte[] wire = AutonatV2Codec.encode(new AutonatV2Codec.DialRequest(
                List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1")), 1L));
        AutonatV2Protos.Message m = AutonatV2Protos.Message.parseFrom(wire);
        assertEquals(1L, m.getDialRequest().getNonce());
        assertEquals(0x0a, wire[0]);
        byte[] nonceTag = {0x11};
        assertTrue(new String(wire, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(new String(nonceTag, java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    @Test
    void v2RefusesEmptyRequestsOversizedChunksAndUnknownStatuses() {
        assertThrows(AutonatException.class, () -> AutonatV2Codec.decode(new byte[0]));
        assertThrows(AutonatException.class, () -> AutonatV2Codec.decode(AutonatV2Protos.Message.newBuilder()
                .setDialRequest(AutonatV2Protos.DialRequest.newBuilder().setNonce(1)).build().toByteArray()));
        assertThrows(AutonatException.class, () -> AutonatV2Codec.decode(AutonatV2Protos.Message.newBuilder()
                .setDialDataResponse(AutonatV2Protos.DialDataResponse.newBuilder()
                        .setData(ByteString.copyFrom(new byte[4097]))).build().toByteArray()));
        assertThrows(AutonatException.class, () -> AutonatV2Codec.decode(AutonatV2Protos.Message.newBuilder()
                .setDialResponse(AutonatV2Protos.DialResponse.newBuilder().setStatusValue(55)).build().toByteArray()));
    }

    @Property(tries = 2000)
    void arbitraryBytesOnlyEverFailWithAutonatException(@ForAll byte[] bytes) {
        for (int version = 1; version <= 2; version++) {
            try {
                if (version == 1) {
                    AutonatV1Codec.decode(bytes);
                } else {
                    AutonatV2Codec.decode(bytes);
                }
            } catch (AutonatException expected) {
                // the only failure allowed
            }
        }
    }

    @Property(tries = 300)
    void framedGarbageFailsWithAnIoExceptionNeverAnother(@ForAll byte[] bytes) {
        try {
            AutonatV1Codec.read(new ByteArrayInputStream(bytes));
        } catch (IOException expected) {
            // typed: EOF, truncated, too large, malformed
        }
        try {
            AutonatV2Codec.read(new ByteArrayInputStream(bytes));
        } catch (IOException expected) {
            // typed
        }
    }
}
