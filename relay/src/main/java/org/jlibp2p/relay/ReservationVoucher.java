package org.jlibp2p.relay;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Instant;
import java.util.Arrays;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.EnvelopeException;
import org.jlibp2p.core.record.InvalidSignatureException;
import org.jlibp2p.proto.circuit.CircuitProtos;

/**
 * A relay's signed promise that {@code peer} holds a reservation with it until {@code expiration}: the payload of a
 * signed envelope of domain {@value #DOMAIN} and payload type {@code /libp2p/relay-rsvp} (multicodec 0x0302, written
 * as go-libp2p and js-libp2p write it).
 */
public record ReservationVoucher(PeerId relay, PeerId peer, Instant expiration) {
    public static final String DOMAIN = "libp2p-relay-rsvp";
    /**
     * The payload type go-libp2p and js-libp2p write: the multicodec 0x0302 as two big-endian bytes (not as the
     * varint the envelope spec would suggest, {@link #VARINT_PAYLOAD_TYPE}, which is accepted too).
     */
    static final byte[] PAYLOAD_TYPE = {0x03, 0x02};
    static final byte[] VARINT_PAYLOAD_TYPE = {(byte) 0x82, 0x06};

    /** Signs this voucher with the relay's key, as the relay does. */
    public byte[] seal(PrivateKey relayKey) {
        if (!PeerId.fromPublicKey(relayKey.publicKey()).equals(relay)) {
            throw new IllegalArgumentException("a voucher is signed by its relay");
        }
        byte[] payload = CircuitProtos.ReservationVoucher.newBuilder()
                .setRelay(com.google.protobuf.ByteString.copyFrom(relay.bytes()))
                .setPeer(com.google.protobuf.ByteString.copyFrom(peer.bytes()))
                .setExpiration(expiration.getEpochSecond()).build().toByteArray();
        return Envelope.seal(relayKey, DOMAIN, PAYLOAD_TYPE, payload).marshal();
    }

    /**
     * Opens a sealed voucher and checks that the relay signed it.
     *
     * @throws RelayProtocolException if it is malformed, of another type, badly signed, or not signed by its relay
     */
    public static ReservationVoucher open(byte[] sealed) throws RelayProtocolException {
        try {
            Envelope e = Envelope.open(sealed, DOMAIN);
            if (!Arrays.equals(e.payloadType(), PAYLOAD_TYPE) && !Arrays.equals(e.payloadType(), VARINT_PAYLOAD_TYPE)) {
                throw new RelayProtocolException("voucher envelope of another payload type");
            }
            var v = CircuitProtos.ReservationVoucher.parseFrom(e.payload());
            if (!v.hasRelay() || !v.hasPeer() || !v.hasExpiration()) {
                throw new RelayProtocolException("voucher lacks a field");
            }
            PeerId relay = PeerId.fromBytes(v.getRelay().toByteArray());
            if (!PeerId.fromPublicKey(e.publicKey()).equals(relay)) {
                throw new RelayProtocolException("voucher not signed by its relay");
            }
            long exp = v.getExpiration();
            if (exp < 0 || exp > Instant.MAX.getEpochSecond()) {
                throw new RelayProtocolException("voucher expiration out of range");
            }
            return new ReservationVoucher(relay, PeerId.fromBytes(v.getPeer().toByteArray()),
                    Instant.ofEpochSecond(exp));
        } catch (EnvelopeException | InvalidSignatureException | InvalidProtocolBufferException
                | PeerIdException e) {
            throw new RelayProtocolException("bad reservation voucher: " + e.getMessage(), e);
        }
    }
}
