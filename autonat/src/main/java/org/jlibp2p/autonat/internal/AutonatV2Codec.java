package org.jlibp2p.autonat.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.autonat.AutonatException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.proto.autonatv2.AutonatV2Protos;

/**
 * AutoNAT v2 messages after an unsigned-varint length: on the dial-request stream a {@code Message} of at most
 * {@link #MAX_MESSAGE_SIZE} bytes, on the dial-back stream a {@code DialBack} or {@code DialBackResponse} of at most
 * {@link #MAX_DIAL_BACK_SIZE}. A request lists at most {@link #MAX_ADDRESSES} addresses (the rest are not read; an
 * address that does not parse stays in its place as {@link Multiaddr#EMPTY}, so indices keep their
 * meaning); dial data comes in chunks of at most {@link #MAX_DATA_CHUNK} bytes.
 */
public final class AutonatV2Codec {
    public static final int MAX_MESSAGE_SIZE = 8192;
    public static final int MAX_DIAL_BACK_SIZE = 1024;
    public static final int MAX_ADDRESSES = 16;
    public static final int MAX_DATA_CHUNK = 4096;

    private AutonatV2Codec() {}

    /** DialResponse.ResponseStatus. */
    public enum ResponseStatus { E_INTERNAL_ERROR, E_REQUEST_REJECTED, E_DIAL_REFUSED, OK }

    /** DialStatus. */
    public enum DialStatus { UNUSED, E_DIAL_ERROR, E_DIAL_BACK_ERROR, OK }

    public sealed interface Message {}

    public record DialRequest(List<Multiaddr> addresses, long nonce) implements Message {
        public DialRequest {
            addresses = List.copyOf(addresses);
        }
    }

    public record DialDataRequest(int addressIndex, long bytes) implements Message {}

    public record DialDataResponse(byte[] data) implements Message {}

    public record DialResponse(ResponseStatus status, int addressIndex, DialStatus dialStatus) implements Message {}

    public static byte[] encode(Message m) {
        AutonatV2Protos.Message.Builder b = AutonatV2Protos.Message.newBuilder();
        switch (m) {
            case DialRequest r -> {
                AutonatV2Protos.DialRequest.Builder rb = AutonatV2Protos.DialRequest.newBuilder().setNonce(r.nonce());
                r.addresses().forEach(a -> rb.addAddrs(ByteString.copyFrom(a.bytes())));
                b.setDialRequest(rb);
            }
            case DialDataRequest d -> b.setDialDataRequest(AutonatV2Protos.DialDataRequest.newBuilder()
                    .setAddrIdx(d.addressIndex()).setNumBytes(d.bytes()));
            case DialDataResponse d -> b.setDialDataResponse(AutonatV2Protos.DialDataResponse.newBuilder()
                    .setData(ByteString.copyFrom(d.data())));
            case DialResponse d -> b.setDialResponse(AutonatV2Protos.DialResponse.newBuilder()
                    .setStatus(switch (d.status()) {
                        case E_INTERNAL_ERROR -> AutonatV2Protos.DialResponse.ResponseStatus.E_INTERNAL_ERROR;
                        case E_REQUEST_REJECTED -> AutonatV2Protos.DialResponse.ResponseStatus.E_REQUEST_REJECTED;
                        case E_DIAL_REFUSED -> AutonatV2Protos.DialResponse.ResponseStatus.E_DIAL_REFUSED;
                        case OK -> AutonatV2Protos.DialResponse.ResponseStatus.OK;
                    })
                    .setAddrIdx(d.addressIndex())
                    .setDialStatus(switch (d.dialStatus()) {
                        case UNUSED -> AutonatV2Protos.DialStatus.UNUSED;
                        case E_DIAL_ERROR -> AutonatV2Protos.DialStatus.E_DIAL_ERROR;
                        case E_DIAL_BACK_ERROR -> AutonatV2Protos.DialStatus.E_DIAL_BACK_ERROR;
                        case OK -> AutonatV2Protos.DialStatus.OK;
                    }));
        }
        return b.build().toByteArray();
    }

    public static Message decode(byte[] bytes) throws AutonatException {
        AutonatV2Protos.Message m;
        try {
            m = AutonatV2Protos.Message.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AutonatException("malformed AutoNAT v2 message", e);
        }
        return switch (m.getMsgCase()) {
            case DIALREQUEST -> {
                AutonatV2Protos.DialRequest r = m.getDialRequest();
                if (r.getAddrsCount() == 0) {
                    throw new AutonatException("dial request without addresses");
                }
                List<Multiaddr> addrs = new ArrayList<>();
                for (int i = 0; i < Math.min(r.getAddrsCount(), MAX_ADDRESSES); i++) {
                    try {
                        addrs.add(Multiaddr.fromBytes(r.getAddrs(i).toByteArray()));
                    } catch (MultiaddrException e) {
                        addrs.add(Multiaddr.EMPTY);
                    }
                }
                yield new DialRequest(addrs, r.getNonce());
            }
            case DIALDATAREQUEST -> {
                AutonatV2Protos.DialDataRequest d = m.getDialDataRequest();
                if (d.getAddrIdx() < 0 || d.getAddrIdx() >= MAX_ADDRESSES) {
                    throw new AutonatException("dial data request for address " + d.getAddrIdx());
                }
                yield new DialDataRequest(d.getAddrIdx(), d.getNumBytes());
            }
            case DIALDATARESPONSE -> {
                ByteString data = m.getDialDataResponse().getData();
                if (data.size() > MAX_DATA_CHUNK) {
                    throw new AutonatException("dial data chunk of " + data.size() + " bytes");
                }
                yield new DialDataResponse(data.toByteArray());
            }
            case DIALRESPONSE -> {
                AutonatV2Protos.DialResponse d = m.getDialResponse();
                ResponseStatus status = switch (d.getStatus()) {
                    case E_INTERNAL_ERROR -> ResponseStatus.E_INTERNAL_ERROR;
                    case E_REQUEST_REJECTED -> ResponseStatus.E_REQUEST_REJECTED;
                    case E_DIAL_REFUSED -> ResponseStatus.E_DIAL_REFUSED;
                    case OK -> ResponseStatus.OK;
                    default -> throw new AutonatException("unknown response status " + d.getStatusValue());
                };
                DialStatus dial = switch (d.getDialStatus()) {
                    case UNUSED -> DialStatus.UNUSED;
                    case E_DIAL_ERROR -> DialStatus.E_DIAL_ERROR;
                    case E_DIAL_BACK_ERROR -> DialStatus.E_DIAL_BACK_ERROR;
                    case OK -> DialStatus.OK;
                    default -> throw new AutonatException("unknown dial status " + d.getDialStatusValue());
                };
                yield new DialResponse(status, d.getAddrIdx(), dial);
            }
            case MSG_NOT_SET -> throw new AutonatException("AutoNAT v2 message without content");
        };
    }

    public static void write(OutputStream out, Message m) throws IOException {
        LengthPrefixed.write(out, encode(m));
        out.flush();
    }

    public static Message read(InputStream in) throws IOException {
        return decode(LengthPrefixed.read(in, MAX_MESSAGE_SIZE));
    }

    public static void writeDialBack(OutputStream out, long nonce) throws IOException {
        LengthPrefixed.write(out, AutonatV2Protos.DialBack.newBuilder().setNonce(nonce).build().toByteArray());
        out.flush();
    }

    public static long readDialBack(InputStream in) throws IOException {
        try {
            return AutonatV2Protos.DialBack.parseFrom(LengthPrefixed.read(in, MAX_DIAL_BACK_SIZE)).getNonce();
        } catch (InvalidProtocolBufferException e) {
            throw new AutonatException("malformed DialBack", e);
        }
    }

    public static void writeDialBackResponse(OutputStream out) throws IOException {
        LengthPrefixed.write(out, AutonatV2Protos.DialBackResponse.newBuilder()
                .setStatus(AutonatV2Protos.DialBackResponse.DialBackStatus.OK).build().toByteArray());
        out.flush();
    }

    /** Reads the client's DialBackResponse; only OK exists. */
    public static void readDialBackResponse(InputStream in) throws IOException {
        try {
            AutonatV2Protos.DialBackResponse r =
                    AutonatV2Protos.DialBackResponse.parseFrom(LengthPrefixed.read(in, MAX_DIAL_BACK_SIZE));
            if (r.getStatusValue() != 0) {
                throw new AutonatException("DialBackResponse status " + r.getStatusValue());
            }
        } catch (InvalidProtocolBufferException e) {
            throw new AutonatException("malformed DialBackResponse", e);
        }
    }
}
