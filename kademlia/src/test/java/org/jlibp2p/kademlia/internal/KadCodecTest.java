package org.jlibp2p.kademlia.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.kademlia.KadProtocolException;
import org.jlibp2p.kademlia.PeerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class KadCodecTest {
    private final KadCodec codec = new KadCodec(64 * 1024, 20, 4);
    private final Random random = new Random(1);

    @Test
    void messagesRoundTripThroughAStreamSeveralInARow() throws Exception {
        PeerInfo p = new PeerInfo(Peers.random(random), List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/5")));
        KadMessage a = new KadMessage(KadMessage.Type.GET_VALUE, new byte[] {1, 2},
                Optional.of(new KadMessage.Record(new byte[] {1, 2}, new byte[] {3}, "2026-01-01T00:00:00Z")),
                List.of(p), List.of());
        KadMessage b = new KadMessage(KadMessage.Type.GET_PROVIDERS, new byte[] {7}, Optional.empty(), List.of(),
                List.of(p));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.write(out, a);
        codec.write(out, b);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        KadMessage a2 = codec.read(in).orElseThrow();
        KadMessage b2 = codec.read(in).orElseThrow();
        assertEquals(Optional.empty(), codec.read(in), "a clean end");
        assertEquals(a.type(), a2.type());
        assertArrayEquals(a.key(), a2.key());
        assertArrayEquals(a.record().get().value(), a2.record().get().value());
        assertEquals("2026-01-01T00:00:00Z", a2.record().get().timeReceived());
        assertEquals(List.of(p), a2.closerPeers());
        assertEquals(List.of(p), b2.providerPeers());
    }

    @Test
    void aLengthAboveTheLimitIsRefusedBeforeReadingTheBody() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Varint.encode(64 * 1024 + 1));
        assertThrows(FrameTooLargeException.class, () -> codec.read(new ByteArrayInputStream(out.toByteArray())));
    }

    @Test
    void garbageUnknownTypesAndBadPeerIdsAreTypedErrors() throws Exception {
        assertThrows(KadProtocolException.class, () -> codec.decode(new byte[] {(byte) 0xff, (byte) 0xff}));
        byte[] unknownType = org.jlibp2p.proto.dht.DhtProtos.Message.newBuilder().setTypeValue(9).build()
                .toByteArray();
        KadProtocolException e = assertThrows(KadProtocolException.class, () -> codec.decode(unknownType));
        assertTrue(e.getMessage().contains("unknown message type 9"), e.getMessage());
        byte[] badPeer = org.jlibp2p.proto.dht.DhtProtos.Message.newBuilder().setTypeValue(4)
                .addCloserPeers(org.jlibp2p.proto.dht.DhtProtos.Message.Peer.newBuilder()
                        .setId(com.google.protobuf.ByteString.copyFrom(new byte[] {0x12, 0x20, 1})))
                .build().toByteArray();
        assertThrows(KadProtocolException.class, () -> codec.decode(badPeer));
    }

    @Test
    void peersAndAddressesBeyondTheLimitsAreDroppedAndUnreadableAddressesSkipped() throws Exception {
        org.jlibp2p.proto.dht.DhtProtos.Message.Builder m = org.jlibp2p.proto.dht.DhtProtos.Message.newBuilder()
                .setTypeValue(4);
        for (int i = 0; i < 50; i++) {
            org.jlibp2p.proto.dht.DhtProtos.Message.Peer.Builder p = org.jlibp2p.proto.dht.DhtProtos.Message.Peer
                    .newBuilder().setId(com.google.protobuf.ByteString.copyFrom(Peers.random(random).bytes()));
            p.addAddrs(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xee, 1}));
            for (int j = 0; j < 10; j++) {
                p.addAddrs(com.google.protobuf.ByteString.copyFrom(
                        Multiaddr.parse("/ip4/10.0.0." + j + "/tcp/1").bytes()));
            }
            m.addCloserPeers(p);
        }
        KadMessage decoded = codec.decode(m.build().toByteArray());
        assertEquals(20, decoded.closerPeers().size());
        assertEquals(4, decoded.closerPeers().getFirst().addresses().size());
        assertEquals(Multiaddr.parse("/ip4/10.0.0.0/tcp/1"), decoded.closerPeers().getFirst().addresses().getFirst());
    }

    @Test
    void writingAMessageAboveTheLimitFails() throws Exception {
        List<PeerInfo> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(new PeerInfo(Peers.random(random), List.of()));
        }
        KadMessage big = new KadMessage(KadMessage.Type.FIND_NODE, new byte[0], Optional.empty(), many, List.of());
        assertThrows(KadProtocolException.class, () -> codec.write(new ByteArrayOutputStream(), big));
    }
}
