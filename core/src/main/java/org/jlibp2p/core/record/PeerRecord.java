package org.jlibp2p.core.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.proto.record.PeerRecordProtos;

/**
 * A peer's routing record (libp2p RFC 0003): its peer id, a sequence number that grows with every new record
 * (compared unsigned; go-libp2p uses a nanosecond timestamp), and the addresses it listens on. It travels in a signed
 * {@link Envelope}, signed by the peer's own key, with domain {@value #DOMAIN} and payload type {@code 03 01}: what
 * go-libp2p and js-libp2p sign and check (RFC 0003's text names the domain {@code libp2p-routing-state}, which they
 * do not use).
 */
public record PeerRecord(PeerId peerId, long seq, List<Multiaddr> addresses) {
    /** The envelope domain of peer records. */
    public static final String DOMAIN = "libp2p-peer-record";

    private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};

    public PeerRecord {
        Objects.requireNonNull(peerId, "peerId");
        addresses = List.copyOf(addresses);
    }

    /**
     * The envelope payload type of peer records: the {@code libp2p-peer-record} multicodec 0x0301 as the two bytes
     * {@code 03 01}, which is what go-libp2p and js-libp2p write and check (not its varint form {@code 81 06}).
     */
    public static byte[] payloadType() {
        return PAYLOAD_TYPE.clone();
    }

    /** The protobuf encoding of the record (the envelope payload). */
    public byte[] marshal() {
        PeerRecordProtos.PeerRecord.Builder b = PeerRecordProtos.PeerRecord.newBuilder()
                .setPeerId(ByteString.copyFrom(peerId.bytes()))
                .setSeq(seq);
        for (Multiaddr a : addresses) {
            b.addAddresses(PeerRecordProtos.PeerRecord.AddressInfo.newBuilder()
                    .setMultiaddr(ByteString.copyFrom(a.bytes())));
        }
        return b.build().toByteArray();
    }

    /** Decodes a record from its protobuf encoding (no signature involved). */
    public static PeerRecord unmarshal(byte[] payload) throws EnvelopeException {
        PeerRecordProtos.PeerRecord pb;
        try {
            pb = PeerRecordProtos.PeerRecord.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new EnvelopeException("malformed peer record: " + e.getMessage(), e);
        }
        PeerId id;
        try {
            id = PeerId.fromBytes(pb.getPeerId().toByteArray());
        } catch (PeerIdException e) {
            throw new EnvelopeException("peer record peer id: " + e.getMessage(), e);
        }
        List<Multiaddr> addresses = new ArrayList<>(pb.getAddressesCount());
        for (PeerRecordProtos.PeerRecord.AddressInfo info : pb.getAddressesList()) {
            try {
                addresses.add(Multiaddr.fromBytes(info.getMultiaddr().toByteArray()));
            } catch (MultiaddrException e) {
                throw new EnvelopeException("peer record address: " + e.getMessage(), e);
            }
        }
        return new PeerRecord(id, pb.getSeq(), addresses);
    }

    /**
     * Seals the record in an envelope signed by {@code key}.
     *
     * @throws IllegalArgumentException if {@code key} is not the key of the record's peer id
     */
    public Envelope seal(PrivateKey key) {
        if (!peerId.matches(key.publicKey())) {
            throw new IllegalArgumentException("a peer record of " + peerId + " must be signed with that peer's key");
        }
        return Envelope.seal(key, DOMAIN, PAYLOAD_TYPE, marshal());
    }

    /**
     * Opens a marshalled envelope holding a peer record: checks the signature for {@value #DOMAIN}, the payload type
     * and that the signer is the record's peer.
     */
    public static PeerRecord consume(byte[] envelope) throws EnvelopeException, InvalidSignatureException {
        return fromEnvelope(Envelope.open(envelope, DOMAIN));
    }

    /**
     * The record in an envelope already opened with domain {@value #DOMAIN}, after checking the payload type and
     * that the signer is the record's peer.
     */
    public static PeerRecord fromEnvelope(Envelope envelope) throws EnvelopeException {
        if (!Arrays.equals(envelope.payloadType(), PAYLOAD_TYPE)) {
            throw new EnvelopeException("envelope payload type "
                    + java.util.HexFormat.of().formatHex(envelope.payloadType()) + " is not a peer record (8106)");
        }
        PeerRecord record = unmarshal(envelope.payload());
        if (!record.peerId.matches(envelope.publicKey())) {
            throw new EnvelopeException("peer record of " + record.peerId + " is signed by another peer ("
                    + PeerId.fromPublicKey(envelope.publicKey()) + ")");
        }
        return record;
    }
}
