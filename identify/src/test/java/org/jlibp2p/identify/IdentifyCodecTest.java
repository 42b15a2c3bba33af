package org.jlibp2p.identify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.proto.identify.IdentifyProtos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IdentifyCodecTest {
    private final KeyPair key = Keys.generateEd25519();
    private final PeerId peer = PeerId.fromPublicKey(key.publicKey());

    private IdentifyInfo full() throws FormatException {
        return new IdentifyInfo(Optional.of(key.publicKey()),
                List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/ip6/::1/udp/4001/quic-v1")),
                List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"), Optional.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/5")),
                Optional.of("ipfs/0.1.0"), Optional.of("jlibp2p/test"), Optional.empty());
    }

    @Test
    void roundTripWithASignedRecord() throws Exception {
        IdentifyInfo info = full();
        byte[] record = new PeerRecord(peer, 42, info.listenAddrs()).seal(key.privateKey()).marshal();
        IdentifyInfo back = IdentifyCodec.decode(IdentifyCodec.encode(info, Optional.of(record)));
        assertEquals(info.publicKey(), back.publicKey());
        assertEquals(info.listenAddrs(), back.listenAddrs());
        assertEquals(info.protocols(), back.protocols());
        assertEquals(info.observedAddr(), back.observedAddr());
        assertEquals(info.protocolVersion(), back.protocolVersion());
        assertEquals(info.agentVersion(), back.agentVersion());
        PeerRecord r = back.signedPeerRecord().orElseThrow();
        assertEquals(peer, r.peerId());
        assertEquals(42, r.seq());
        assertEquals(info.listenAddrs(), r.addresses());
    }

    @Test
    void anEmptyMessageDecodesToAllAbsent() throws Exception {
        IdentifyInfo back = IdentifyCodec.decode(new byte[0]);
        assertTrue(back.publicKey().isEmpty() && back.observedAddr().isEmpty() && back.agentVersion().isEmpty()
                && back.protocolVersion().isEmpty() && back.signedPeerRecord().isEmpty());
        assertTrue(back.listenAddrs().isEmpty() && back.protocols().isEmpty());
        IdentifyInfo none = new IdentifyInfo(Optional.empty(), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertArrayEquals(new byte[0], IdentifyCodec.encode(none, Optional.empty()));
    }

    @Test
    void unreadableAddressesAndBadRecordsAreDroppedNotFatal() throws Exception {
        Multiaddr good = Multiaddr.parse("/ip4/127.0.0.1/tcp/1");
        KeyPair other = Keys.generateEd25519();
        byte[] forged = Envelope.seal(other.privateKey(), PeerRecord.DOMAIN, PeerRecord.payloadType(),
                new PeerRecord(peer, 1, List.of(good)).marshal()).marshal();
        byte[] msg = IdentifyProtos.Identify.newBuilder()
                .addListenAddrs(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}))
                .addListenAddrs(ByteString.copyFrom(good.bytes()))
                .setObservedAddr(ByteString.copyFrom(new byte[] {4, 1}))
                .setSignedPeerRecord(ByteString.copyFrom(forged))
                .build().toByteArray();
        IdentifyInfo back = IdentifyCodec.decode(msg);
        assertEquals(List.of(good), back.listenAddrs());
        assertTrue(back.observedAddr().isEmpty());
        assertTrue(back.signedPeerRecord().isEmpty(), "a record signed by another key than its peer's");
    }

    @Test
    void malformedMessagesFailWithAFormatException() {
        assertThrows(FormatException.class, () -> IdentifyCodec.decode(new byte[] {(byte) 0xFF}));
        assertThrows(FormatException.class, () -> IdentifyCodec.decode(new byte[] {0x0A, 0x05, 1, 2}));
        byte[] badKey = IdentifyProtos.Identify.newBuilder()
                .setPublicKey(ByteString.copyFrom(new byte[] {8, 1, 18, 3, 1, 2, 3})).build().toByteArray();
        assertThrows(FormatException.class, () -> IdentifyCodec.decode(badKey));
    }

    @Test
    void randomAndMutatedInputNeverThrowsAnythingElse() throws Exception {
        byte[] valid = IdentifyCodec.encode(full(), Optional.of(
                new PeerRecord(peer, 7, full().listenAddrs()).seal(key.privateKey()).marshal()));
        Random random = new Random(1234);
        for (int i = 0; i < 5_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(200)];
                random.nextBytes(input);
            } else {
                input = valid.clone();
                for (int j = 0; j < 1 + random.nextInt(4); j++) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                IdentifyCodec.decode(input);
            } catch (FormatException expected) {
                // a specific, checked failure is what malformed input may cause
            }
        }
    }
}
