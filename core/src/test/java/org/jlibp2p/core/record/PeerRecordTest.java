package org.jlibp2p.core.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;

class PeerRecordTest {
    private static List<Multiaddr> addresses() throws Exception {
        return List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/ip6/::1/udp/4001/quic-v1"));
    }

    @Test
    void payloadTypeIsThePeerRecordMulticodec() {
        assertEquals("0301", HexFormat.of().formatHex(PeerRecord.payloadType()));
        assertEquals("libp2p-peer-record", PeerRecord.DOMAIN);
    }

    @Test
    void sealsAndConsumesForEveryKeyType() throws Exception {
        for (KeyType type : KeyType.values()) {
            KeyPair pair = Keys.generate(type);
            PeerRecord record = new PeerRecord(PeerId.fromPublicKey(pair.publicKey()), -5L, addresses());
            Envelope envelope = record.seal(pair.privateKey());
            assertArrayEquals(PeerRecord.payloadType(), envelope.payloadType());
            PeerRecord back = PeerRecord.consume(envelope.marshal());
            assertEquals(record, back);
            assertEquals(-5L, back.seq(), "seq is an unsigned 64-bit number");
            assertEquals(record, PeerRecord.unmarshal(record.marshal()));
        }
    }

    @Test
    void refusesAnotherPeersRecord() throws Exception {
        KeyPair alice = Keys.generateEd25519();
        KeyPair mallory = Keys.generateEd25519();
        PeerRecord aliceRecord = new PeerRecord(PeerId.fromPublicKey(alice.publicKey()), 1, addresses());
        assertThrows(IllegalArgumentException.class, () -> aliceRecord.seal(mallory.privateKey()));
        byte[] forged = Envelope.seal(mallory.privateKey(), PeerRecord.DOMAIN, PeerRecord.payloadType(),
                aliceRecord.marshal()).marshal();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> PeerRecord.consume(forged));
        assertTrue(e.getMessage().contains("signed by another peer"), e.getMessage());
    }

    @Test
    void refusesWrongDomainTypeOrPayload() throws Exception {
        KeyPair pair = Keys.generateEd25519();
        PeerRecord record = new PeerRecord(PeerId.fromPublicKey(pair.publicKey()), 7, addresses());
        byte[] otherDomain = Envelope.seal(pair.privateKey(), "other", PeerRecord.payloadType(), record.marshal())
                .marshal();
        assertThrows(InvalidSignatureException.class, () -> PeerRecord.consume(otherDomain));
        byte[] otherType = Envelope.seal(pair.privateKey(), PeerRecord.DOMAIN, new byte[] {0x55}, record.marshal())
                .marshal();
        assertThrows(EnvelopeException.class, () -> PeerRecord.consume(otherType));
        byte[] id = record.peerId().bytes();
        byte[] badAddress = Envelope.seal(pair.privateKey(), PeerRecord.DOMAIN, PeerRecord.payloadType(),
                HexFormat.of().parseHex("0a" + String.format("%02x", id.length) + HexFormat.of().formatHex(id)
                        + "1a03" + "0a01ff")).marshal();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> PeerRecord.consume(badAddress));
        assertTrue(e.getMessage().contains("address"), e.getMessage());
    }

    @Test
    void addressListIsImmutable() throws Exception {
        List<Multiaddr> list = new ArrayList<>(addresses());
        PeerRecord record = new PeerRecord(PeerId.fromPublicKey(Keys.generateEd25519().publicKey()), 1, list);
        list.clear();
        assertEquals(2, record.addresses().size());
        assertThrows(UnsupportedOperationException.class, () -> record.addresses().clear());
    }
}
