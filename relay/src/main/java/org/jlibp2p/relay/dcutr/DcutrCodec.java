package org.jlibp2p.relay.dcutr;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.proto.holepunch.HolePunchProtos.HolePunch;
import org.jlibp2p.relay.RelayProtocolException;

/** DCUtR's messages: varint-length-prefixed HolePunch protobufs of at most 4 KiB (the spec's limit). */
final class DcutrCodec {
    static final int MAX_MESSAGE = 4096;
    static final int MAX_ADDRS = 32;

    private DcutrCodec() {}

    static HolePunch read(InputStream in) throws IOException {
        byte[] frame;
        try {
            frame = LengthPrefixed.read(in, MAX_MESSAGE);
        } catch (FrameTooLargeException e) {
            throw new RelayProtocolException("hole punch message longer than " + MAX_MESSAGE + " bytes", e);
        }
        try {
            return HolePunch.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new RelayProtocolException("undecodable hole punch message: " + e.getMessage(), e);
        }
    }

    static void write(OutputStream out, HolePunch m) throws IOException {
        LengthPrefixed.write(out, m.toByteArray());
        out.flush();
    }

    static HolePunch connect(List<Multiaddr> addrs) {
        HolePunch.Builder b = HolePunch.newBuilder().setType(HolePunch.Type.CONNECT);
        addrs.stream().limit(MAX_ADDRS).forEach(a -> b.addObsAddrs(ByteString.copyFrom(a.bytes())));
        return b.build();
    }

    static HolePunch sync() {
        return HolePunch.newBuilder().setType(HolePunch.Type.SYNC).build();
    }

    /** The decodable addresses of a CONNECT, at most {@value #MAX_ADDRS}. */
    static List<Multiaddr> addrs(HolePunch m) {
        List<Multiaddr> out = new ArrayList<>();
        for (ByteString b : m.getObsAddrsList()) {
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

    static HolePunch expect(InputStream in, HolePunch.Type type) throws IOException {
        HolePunch m = read(in);
        if (m.getType() != type) {
            throw new RelayProtocolException("expected " + type + ", got " + m.getType());
        }
        return m;
    }
}
