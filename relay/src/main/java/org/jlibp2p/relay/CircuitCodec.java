package org.jlibp2p.relay;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.proto.circuit.CircuitProtos;

/**
 * The wire of circuit relay v2: varint-length-prefixed HopMessage and StopMessage protobufs of at most
 * {@value #MAX_MESSAGE} bytes (go-libp2p's limit). Anything longer, undecodable or without a type costs the sender
 * its stream ({@link RelayProtocolException}).
 */
final class CircuitCodec {
    static final int MAX_MESSAGE = 4096;
    /** At most this many addresses are taken from a peer or reservation; the rest are ignored. */
    static final int MAX_ADDRS = 32;

    private CircuitCodec() {}

    static CircuitProtos.HopMessage readHop(InputStream in) throws IOException {
        byte[] frame = frame(in);
        try {
            CircuitProtos.HopMessage m = CircuitProtos.HopMessage.parseFrom(frame);
            if (!m.hasType()) {
                throw new RelayProtocolException("hop message without a type");
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new RelayProtocolException("undecodable hop message: " + e.getMessage(), e);
        }
    }

    static CircuitProtos.StopMessage readStop(InputStream in) throws IOException {
        byte[] frame = frame(in);
        try {
            CircuitProtos.StopMessage m = CircuitProtos.StopMessage.parseFrom(frame);
            if (!m.hasType()) {
                throw new RelayProtocolException("stop message without a type");
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new RelayProtocolException("undecodable stop message: " + e.getMessage(), e);
        }
    }

    private static byte[] frame(InputStream in) throws IOException {
        try {
            return LengthPrefixed.read(in, MAX_MESSAGE);
        } catch (FrameTooLargeException e) {
            throw new RelayProtocolException("relay message longer than " + MAX_MESSAGE + " bytes", e);
        }
    }

    static void write(OutputStream out, com.google.protobuf.MessageLite m) throws IOException {
        LengthPrefixed.write(out, m.toByteArray());
        out.flush();
    }

    static CircuitProtos.HopMessage hopStatus(RelayStatus status) {
        return CircuitProtos.HopMessage.newBuilder().setType(CircuitProtos.HopMessage.Type.STATUS)
                .setStatus(CircuitProtos.Status.forNumber(status.code())).build();
    }

    static CircuitProtos.StopMessage stopStatus(RelayStatus status) {
        return CircuitProtos.StopMessage.newBuilder().setType(CircuitProtos.StopMessage.Type.STATUS)
                .setStatus(CircuitProtos.Status.forNumber(status.code())).build();
    }

    static CircuitProtos.Peer peer(PeerId id, List<Multiaddr> addrs) {
        CircuitProtos.Peer.Builder b = CircuitProtos.Peer.newBuilder().setId(ByteString.copyFrom(id.bytes()));
        addrs.stream().limit(MAX_ADDRS).forEach(a -> b.addAddrs(ByteString.copyFrom(a.bytes())));
        return b.build();
    }

    static PeerId peerId(CircuitProtos.Peer p) throws RelayProtocolException {
        if (!p.hasId()) {
            throw new RelayProtocolException("peer without an id");
        }
        try {
            return PeerId.fromBytes(p.getId().toByteArray());
        } catch (PeerIdException e) {
            throw new RelayProtocolException("bad peer id: " + e.getMessage(), e);
        }
    }

    /** The decodable addresses among {@code raw}, at most {@value #MAX_ADDRS}; undecodable ones are skipped. */
    static List<Multiaddr> addrs(List<ByteString> raw) {
        List<Multiaddr> out = new ArrayList<>();
        for (ByteString b : raw) {
            if (out.size() >= MAX_ADDRS) {
                break;
            }
            try {
                out.add(Multiaddr.fromBytes(b.toByteArray()));
            } catch (MultiaddrException e) {
                // skipped
            }
        }
        return out;
    }

    static CircuitProtos.Limit limit(RelayLimit l) {
        CircuitProtos.Limit.Builder b = CircuitProtos.Limit.newBuilder();
        if (!l.duration().isZero()) {
            b.setDuration((int) Math.min(l.duration().toSeconds(), 0xffff_ffffL));
        }
        if (l.data() > 0) {
            b.setData(l.data());
        }
        return b.build();
    }

    static RelayLimit limit(CircuitProtos.Limit l) {
        long seconds = Integer.toUnsignedLong(l.getDuration());
        long data = l.getData() < 0 ? Long.MAX_VALUE : l.getData();
        return new RelayLimit(Duration.ofSeconds(seconds), data);
    }

    /** The status of a wire value; an unknown one reads as MALFORMED_MESSAGE. */
    static RelayStatus status(int wire) {
        return RelayStatus.of(wire).orElse(RelayStatus.MALFORMED_MESSAGE);
    }
}
