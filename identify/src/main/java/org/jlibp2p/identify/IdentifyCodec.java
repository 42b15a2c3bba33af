package org.jlibp2p.identify;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.proto.identify.IdentifyProtos;

/** The identify message on the wire: a protobuf, varint-length-prefixed on the stream. */
final class IdentifyCodec {
    private IdentifyCodec() {}

    /** Encodes {@code info}; {@code signedRecord} is the marshalled envelope of the sender's peer record. */
    static byte[] encode(IdentifyInfo info, Optional<byte[]> signedRecord) {
        IdentifyProtos.Identify.Builder b = IdentifyProtos.Identify.newBuilder();
        info.publicKey().ifPresent(k -> b.setPublicKey(ByteString.copyFrom(k.marshal())));
        info.listenAddrs().forEach(a -> b.addListenAddrs(ByteString.copyFrom(a.bytes())));
        b.addAllProtocols(info.protocols());
        info.observedAddr().ifPresent(a -> b.setObservedAddr(ByteString.copyFrom(a.bytes())));
        info.protocolVersion().ifPresent(b::setProtocolVersion);
        info.agentVersion().ifPresent(b::setAgentVersion);
        signedRecord.ifPresent(r -> b.setSignedPeerRecord(ByteString.copyFrom(r)));
        return b.build().toByteArray();
    }

    /**
     * Decodes a message. A malformed public key or message fails; single malformed addresses are skipped (peers
     * announce addresses of transports we may not know), and a signed record that does not verify is dropped.
     */
    static IdentifyInfo decode(byte[] bytes) throws FormatException {
        IdentifyProtos.Identify msg;
        try {
            msg = IdentifyProtos.Identify.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IdentifyException("malformed identify message: " + e.getMessage());
        }
        Optional<PublicKey> key = Optional.empty();
        if (msg.hasPublicKey()) {
            key = Optional.of(Keys.unmarshalPublicKey(msg.getPublicKey().toByteArray()));
        }
        List<Multiaddr> addrs = new ArrayList<>();
        for (ByteString a : msg.getListenAddrsList()) {
            try {
                addrs.add(Multiaddr.fromBytes(a.toByteArray()));
            } catch (FormatException e) {
                // an address we cannot read is one we cannot dial either
            }
        }
        Optional<Multiaddr> observed = Optional.empty();
        if (msg.hasObservedAddr()) {
            try {
                observed = Optional.of(Multiaddr.fromBytes(msg.getObservedAddr().toByteArray()));
            } catch (FormatException e) {
                observed = Optional.empty();
            }
        }
        Optional<PeerRecord> record = Optional.empty();
        if (msg.hasSignedPeerRecord()) {
            try {
                record = Optional.of(PeerRecord.consume(msg.getSignedPeerRecord().toByteArray()));
            } catch (FormatException e) {
                record = Optional.empty();
            }
        }
        return new IdentifyInfo(key, addrs, msg.getProtocolsList(), observed,
                msg.hasProtocolVersion() ? Optional.of(msg.getProtocolVersion()) : Optional.empty(),
                msg.hasAgentVersion() ? Optional.of(msg.getAgentVersion()) : Optional.empty(), record);
    }
}
