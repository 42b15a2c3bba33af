package org.jlibp2p.core.multiformats;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Unsigned varints as the multiformats spec defines them: little-endian groups of 7 bits, the high bit set on every
 * byte but the last, at most 9 bytes (63 bits), and only the minimal encoding of a value is accepted.
 */
public final class Varint {
    /** The longest encoding the spec allows. */
    public static final int MAX_BYTES = 9;

    private Varint() {}

    /** The number of bytes {@code value} encodes to. */
    public static int encodedLength(long value) {
        checkEncodable(value);
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }

    /** Encodes {@code value} (0 to {@link Long#MAX_VALUE}). */
    public static byte[] encode(long value) {
        byte[] out = new byte[encodedLength(value)];
        encode(value, out, 0);
        return out;
    }

    /** Encodes {@code value} into {@code dst} at {@code offset}; returns the number of bytes written. */
    public static int encode(long value, byte[] dst, int offset) {
        checkEncodable(value);
        int i = offset;
        while ((value & ~0x7FL) != 0) {
            dst[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        dst[i++] = (byte) value;
        return i - offset;
    }

    /** Encodes {@code value} into {@code dst} at its position, advancing it. */
    public static void encode(long value, ByteBuffer dst) {
        checkEncodable(value);
        while ((value & ~0x7FL) != 0) {
            dst.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        dst.put((byte) value);
    }

    /** Writes {@code value} to {@code out}. */
    public static void write(long value, OutputStream out) throws IOException {
        byte[] buf = new byte[MAX_BYTES];
        out.write(buf, 0, encode(value, buf, 0));
    }

    /** A decoded value and how many bytes it took. */
    public record Decoded(long value, int length) {}

    /** Decodes the varint at {@code offset} of {@code src}, which must lie entirely within {@code [offset, limit)}. */
    public static Decoded decode(byte[] src, int offset, int limit) throws VarintException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (offset + i >= limit) {
                throw new VarintException(i == 0 ? "no varint: input is empty" : "truncated varint after " + i + " bytes");
            }
            int b = src[offset + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new VarintException("varint is not minimally encoded (" + (i + 1) + " bytes)");
                }
                return new Decoded(value, i + 1);
            }
        }
        throw new VarintException("varint longer than " + MAX_BYTES + " bytes");
    }

    /** Decodes a varint at the start of {@code src}. */
    public static Decoded decode(byte[] src) throws VarintException {
        return decode(src, 0, src.length);
    }

    /** Decodes a varint at the buffer's position, advancing it past the varint only on success. */
    public static long decode(ByteBuffer src) throws VarintException {
        long value = 0;
        int start = src.position();
        for (int i = 0; i < MAX_BYTES; i++) {
            if (start + i >= src.limit()) {
                throw new VarintException(i == 0 ? "no varint: input is empty" : "truncated varint after " + i + " bytes");
            }
            int b = src.get(start + i) & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new VarintException("varint is not minimally encoded (" + (i + 1) + " bytes)");
                }
                src.position(start + i + 1);
                return value;
            }
        }
        throw new VarintException("varint longer than " + MAX_BYTES + " bytes");
    }

    /**
     * Reads one varint from {@code in}.
     *
     * @throws EOFException if the stream ends before the first byte
     * @throws VarintException if the stream ends inside the varint, or the varint is malformed
     */
    public static long read(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) {
                    throw new EOFException("stream ended before a varint");
                }
                throw new VarintException("stream ended inside a varint after " + i + " bytes");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new VarintException("varint is not minimally encoded (" + (i + 1) + " bytes)");
                }
                return value;
            }
        }
        throw new VarintException("varint longer than " + MAX_BYTES + " bytes");
    }

    private static void checkEncodable(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("unsigned varints encode 0 to 2^63-1, not " + Long.toUnsignedString(value));
        }
    }
}
