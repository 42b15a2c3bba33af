package org.jlibp2p.autonat.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.autonat.AutonatException;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.proto.autonat.AutonatProtos;

/**
 * AutoNAT v1 messages ({@code autonat.pb.Message}) after an unsigned-varint length, at most {@link #MAX_MESSAGE_SIZE}
 * bytes (go-libp2p's limit). A request lists at most {@link #MAX_ADDRESSES} addresses: more, and addresses that do not
 * parse, are dropped (they could not be dialled either); a status text is cut to {@link #MAX_TEXT} characters.
 */
public final class AutonatV1Codec {
    public static final int MAX_MESSAGE_SIZE = 4096;
    public static final int MAX_ADDRESSES = 16;
    public static final int MAX_TEXT = 256;

    private AutonatV1Codec() {}

    /** The response statuses, with their wire numbers. */
    public enum Status {
        OK(0), E_DIAL_ERROR(100), E_DIAL_REFUSED(101), E_BAD_REQUEST(200), E_INTERNAL_ERROR(300);

        final int wire;

        Status(int wire) {
            this.wire = wire;
        }

        static Status of(int wire) throws AutonatException {
            for (Status s : values()) {
                if (s.wire == wire) {
                    return s;
                }
            }
            throw new AutonatException("unknown response status " + wire);
        }
    }

    public sealed interface Message {}

    /** Asks the server to dial {@code peer} back at {@code addresses}. */
    public record Dial(PeerId peer, List<Multiaddr> addresses) implements Message {
        public Dial {
            addresses = List.copyOf(addresses);
        }
    }

    /** The server's answer; {@code address} is the address it reached, with {@code OK}. */
    public record DialResponse(Status status, String text, Optional<Multiaddr> address) implements Message {}

    public static byte[] encode(Message m) {
        AutonatProtos.Message.Builder b = AutonatProtos.Message.newBuilder();
        switch (m) {
            case Dial d -> {
                AutonatProtos.Message.PeerInfo.Builder pi = AutonatProtos.Message.PeerInfo.newBuilder()
                        .setId(ByteString.copyFrom(d.peer().bytes()));
                d.addresses().forEach(a -> pi.addAddrs(ByteString.copyFrom(a.bytes())));
                b.setType(AutonatProtos.Message.MessageType.DIAL)
                        .setDial(AutonatProtos.Message.Dial.newBuilder().setPeer(pi));
            }
            case DialResponse r -> {
                AutonatProtos.Message.DialResponse.Builder rb = AutonatProtos.Message.DialResponse.newBuilder()
                        .setStatus(AutonatProtos.Message.ResponseStatus.forNumber(r.status().wire));
                if (!r.text().isEmpty()) {
                    rb.setStatusText(r.text());
                }
                r.address().ifPresent(a -> rb.setAddr(ByteString.copyFrom(a.bytes())));
                b.setType(AutonatProtos.Message.MessageType.DIAL_RESPONSE).setDialResponse(rb);
            }
        }
        return b.build().toByteArray();
    }

    public static Message decode(byte[] bytes) throws AutonatException {
        AutonatProtos.Message m;
        try {
            m = AutonatProtos.Message.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AutonatException("malformed AutoNAT message", e);
        }
        if (!m.hasType()) {
            throw new AutonatException("AutoNAT message without a type");
        }
        switch (m.getType()) {
            case DIAL -> {
                if (!m.hasDial() || !m.getDial().hasPeer() || !m.getDial().getPeer().hasId()) {
                    throw new AutonatException("DIAL without peer info");
                }
                PeerId peer;
                try {
                    peer = PeerId.fromBytes(m.getDial().getPeer().getId().toByteArray());
                } catch (PeerIdException e) {
                    throw new AutonatException("DIAL with a malformed peer id", e);
                }
                List<Multiaddr> addrs = new ArrayList<>();
                for (ByteString a : m.getDial().getPeer().getAddrsList()) {
                    if (addrs.size() == MAX_ADDRESSES) {
                        break;
                    }
                    try {
                        addrs.add(Multiaddr.fromBytes(a.toByteArray()));
                    } catch (MultiaddrException e) {
                        // skipped: it could not be dialled
                    }
                }
                return new Dial(peer, addrs);
            }
            case DIAL_RESPONSE -> {
                if (!m.hasDialResponse() || !m.getDialResponse().hasStatus()) {
                    throw new AutonatException("DIAL_RESPONSE without a status");
                }
                AutonatProtos.Message.DialResponse r = m.getDialResponse();
                Status status = Status.of(r.getStatus().getNumber());
                Optional<Multiaddr> addr = Optional.empty();
                if (r.hasAddr()) {
                    try {
                        addr = Optional.of(Multiaddr.fromBytes(r.getAddr().toByteArray()));
                    } catch (MultiaddrException e) {
                        throw new AutonatException("DIAL_RESPONSE with a malformed address", e);
                    }
                }
                String text = r.getStatusText();
                if (text.length() > MAX_TEXT) {
                    text = text.substring(0, MAX_TEXT);
                }
                return new DialResponse(status, text, addr);
            }
            default -> throw new AutonatException("unknown AutoNAT message type");
        }
    }

    public static void write(OutputStream out, Message m) throws IOException {
        LengthPrefixed.write(out, encode(m));
        out.flush();
    }

    /**
     * Reads one message.
     *
     * @throws FrameTooLargeException beyond {@link #MAX_MESSAGE_SIZE}
     * @throws java.io.EOFException if the stream ends before it
     */
    public static Message read(InputStream in) throws IOException {
        return decode(LengthPrefixed.read(in, MAX_MESSAGE_SIZE));
    }
}
