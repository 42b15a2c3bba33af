package org.jlibp2p.core.multiaddr;

import java.util.Arrays;
import java.util.Objects;
import org.jlibp2p.core.multiformats.Varint;

/**
 * One protocol of a multiaddr and its binary value (empty for protocols without one), e.g. {@code /tcp/4001}.
 * Immutable: the value is copied in and out; equality is by protocol and value bytes.
 *
 * @param protocol the protocol
 * @param value the binary value, as it appears in the binary multiaddr after any length prefix
 */
public record Component(Protocol protocol, byte[] value) {
    private static final byte[] NONE = new byte[0];

    /** Validates the value; throws {@link IllegalArgumentException} if it is not valid for the protocol. */
    public Component {
        Objects.requireNonNull(protocol, "protocol");
        value = value.length == 0 ? NONE : value.clone();
        String problem = Values.problem(protocol, value);
        if (problem != null) {
            throw new IllegalArgumentException("/" + protocol.protocolName() + ": " + problem);
        }
    }

    /** A component of a protocol without a value, such as {@code /quic-v1}. */
    public static Component of(Protocol protocol) {
        return new Component(protocol, NONE);
    }

    /**
     * A component from the string form of its value: {@code parse(Protocol.TCP, "4001")}. For {@link Protocol#UNIX}
     * the value is the absolute path, leading {@code /} included.
     */
    public static Component parse(Protocol protocol, String value) throws MultiaddrException {
        return new Component(protocol, Values.parse(protocol, value));
    }

    /** A copy of the binary value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The string form of the value ({@code ""} for protocols without one). */
    public String valueString() {
        return Values.format(protocol, value);
    }

    /** The binary form: varint code, varint length for variable-sized values, value. */
    public byte[] bytes() {
        byte[] out = new byte[encodedLength()];
        writeTo(out, 0);
        return out;
    }

    int encodedLength() {
        int n = protocol.codeLength() + value.length;
        if (protocol.kind() == Protocol.Kind.VARIABLE || protocol.kind() == Protocol.Kind.PATH) {
            n += Varint.encodedLength(value.length);
        }
        return n;
    }

    int writeTo(byte[] dst, int offset) {
        int i = offset + protocol.writeCode(dst, offset);
        if (protocol.kind() == Protocol.Kind.VARIABLE || protocol.kind() == Protocol.Kind.PATH) {
            i += Varint.encode(value.length, dst, i);
        }
        System.arraycopy(value, 0, dst, i, value.length);
        return i + value.length - offset;
    }

    /** The string form, e.g. {@code /ip4/1.2.3.4}, {@code /quic-v1} or {@code /unix/tmp/p2p.sock}. */
    @Override
    public String toString() {
        return switch (protocol.kind()) {
            case NONE -> "/" + protocol.protocolName();
            case PATH -> "/" + protocol.protocolName() + valueString();
            default -> "/" + protocol.protocolName() + "/" + valueString();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * protocol.hashCode() + Arrays.hashCode(value);
    }
}
