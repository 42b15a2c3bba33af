package org.jlibp2p.kademlia.record;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of DAG-CBOR (ipld.io/specs/codecs/dag-cbor) an IPNS record's {@code data} needs: a strict reader of any
 * DAG-CBOR document whose top level is a map, and a writer of the five IPNS fields.
 *
 * <p>The reader accepts only the canonical form DAG-CBOR prescribes, so that one document has one encoding: integers
 * and lengths in their shortest form, no indefinite lengths, text map keys sorted by length then bytes and never
 * repeated, valid UTF-8 text, 64-bit floats only and no NaN or infinity, {@code false}, {@code true} and {@code null}
 * as the only simple values, tag 42 (a CID) as the only tag, nothing after the document. Every length is checked
 * against the bytes left before anything is allocated, and nesting is limited to {@value #MAX_DEPTH} levels, so
 * the work and memory are bounded by the input's size.
 */
final class DagCbor {
    /** Deepest nesting of arrays, maps and tags read. */
    static final int MAX_DEPTH = 16;

    private static final int UNSIGNED = 0;
    private static final int NEGATIVE = 1;
    private static final int BYTES = 2;
    private static final int TEXT = 3;
    private static final int ARRAY = 4;
    private static final int MAP = 5;
    private static final int TAG = 6;
    private static final int SIMPLE = 7;
    private static final long CID_TAG = 42;

    /** A non-negative integer of up to 64 bits, {@code value} read as unsigned. */
    record UnsignedInt(long value) {}

    /** Any other value (negative integer, float, boolean, null, array, map, CID), read and checked but not kept. */
    enum Other { VALUE }

    private final byte[] in;
    private int pos;

    private DagCbor(byte[] in) {
        this.in = in;
    }

    /**
     * Reads a DAG-CBOR document that must be a map, returning its entries in order. A byte string value comes back
     * as {@code byte[]}, a text string as {@link String}, a non-negative integer as {@link UnsignedInt}, anything
     * else as {@link Other#VALUE}.
     */
    static Map<String, Object> readMap(byte[] bytes) throws InvalidRecordException {
        DagCbor reader = new DagCbor(bytes);
        if (bytes.length == 0) {
            throw new InvalidRecordException("CBOR: empty document");
        }
        int initial = bytes[0] & 0xff;
        if (initial >>> 5 != MAP) {
            throw new InvalidRecordException("CBOR: the document is not a map (major type " + (initial >>> 5) + ")");
        }
        Map<String, Object> entries = reader.map(reader.head(), 1, true);
        if (reader.pos != bytes.length) {
            throw new InvalidRecordException("CBOR: " + (bytes.length - reader.pos) + " bytes after the document");
        }
        return entries;
    }

    /** Reads one item's head at {@code pos}: its major type and argument. */
    private Head head() throws InvalidRecordException {
        int initial = u8();
        int major = initial >>> 5;
        int info = initial & 0x1f;
        if (major == SIMPLE) {
            return new Head(major, info, 0);
        }
        long argument;
        if (info < 24) {
            argument = info;
        } else if (info == 24) {
            argument = u8();
            minimal(argument >= 24);
        } else if (info == 25) {
            argument = bigEndian(2);
            minimal(argument >= 0x100);
        } else if (info == 26) {
            argument = bigEndian(4);
            minimal(argument >= 0x1_0000);
        } else if (info == 27) {
            argument = bigEndian(8);
            minimal(Long.compareUnsigned(argument, 0x1_0000_0000L) >= 0);
        } else if (info == 31) {
            throw new InvalidRecordException("CBOR: indefinite lengths are not allowed in DAG-CBOR");
        } else {
            throw new InvalidRecordException("CBOR: reserved additional information " + info);
        }
        return new Head(major, info, argument);
    }

    private record Head(int major, int info, long argument) {}

    /**
     * Reads the rest of an item whose head is {@code head}, inside containers nested {@code depth} deep; keeps only
     * what a top-level map value needs.
     */
    private Object item(Head head, int depth) throws InvalidRecordException {
        switch (head.major()) {
            case UNSIGNED:
                return new UnsignedInt(head.argument());
            case NEGATIVE:
                return Other.VALUE;
            case BYTES:
                return take(length(head.argument(), 1, "byte string"));
            case TEXT:
                return utf8(take(length(head.argument(), 1, "text string")));
            case ARRAY: {
                int count = length(head.argument(), 1, "array");
                nested(depth + 1);
                for (int i = 0; i < count; i++) {
                    item(head(), depth + 1);
                }
                return Other.VALUE;
            }
            case MAP:
                map(head, depth + 1, false);
                return Other.VALUE;
            case TAG: {
                if (head.argument() != CID_TAG) {
                    throw new InvalidRecordException("CBOR: tag " + Long.toUnsignedString(head.argument())
                            + " is not allowed in DAG-CBOR (only 42, a CID)");
                }
                Head content = head();
                if (content.major() != BYTES) {
                    throw new InvalidRecordException("CBOR: a CID (tag 42) must be a byte string");
                }
                byte[] cid = take(length(content.argument(), 1, "CID"));
                if (cid.length < 2 || cid[0] != 0) {
                    throw new InvalidRecordException("CBOR: a CID (tag 42) must be 0x00 followed by the CID's bytes");
                }
                return Other.VALUE;
            }
            default:
                return simple(head.info());
        }
    }

    private Other simple(int info) throws InvalidRecordException {
        switch (info) {
            case 20, 21, 22:
                return Other.VALUE;
            case 27: {
                double d = Double.longBitsToDouble(bigEndian(8));
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new InvalidRecordException("CBOR: NaN and infinities are not allowed in DAG-CBOR");
                }
                return Other.VALUE;
            }
            case 25, 26:
                throw new InvalidRecordException("CBOR: DAG-CBOR floats are 64-bit, not " + (info == 25 ? 16 : 32));
            case 31:
                throw new InvalidRecordException("CBOR: unexpected break");
            default:
                throw new InvalidRecordException("CBOR: simple value " + info + " is not allowed in DAG-CBOR");
        }
    }

    /** Reads a map's entries; keeps them when {@code keep}, else only checks them. */
    private Map<String, Object> map(Head head, int depth, boolean keep) throws InvalidRecordException {
        int count = length(head.argument(), 2, "map");
        nested(depth);
        Map<String, Object> entries = keep ? new LinkedHashMap<>() : null;
        byte[] previous = null;
        for (int i = 0; i < count; i++) {
            Head keyHead = head();
            if (keyHead.major() != TEXT) {
                throw new InvalidRecordException("CBOR: DAG-CBOR map keys are text strings, not major type "
                        + keyHead.major());
            }
            byte[] key = take(length(keyHead.argument(), 1, "map key"));
            String text = utf8(key);
            if (previous != null && compareKeys(previous, key) >= 0) {
                throw new InvalidRecordException("CBOR: map key \"" + text + "\" "
                        + (Arrays.equals(previous, key) ? "repeated" : "out of canonical order"));
            }
            previous = key;
            Object value = item(head(), depth);
            if (keep) {
                entries.put(text, value);
            }
        }
        return entries;
    }

    /** DAG-CBOR's map key order: shorter first, then bytewise. */
    private static int compareKeys(byte[] a, byte[] b) {
        return a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compareUnsigned(a, b);
    }

    private static void nested(int depth) throws InvalidRecordException {
        if (depth > MAX_DEPTH) {
            throw new InvalidRecordException("CBOR: nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** A length of items at least {@code minItemBytes} each, checked against the bytes left. */
    private int length(long argument, int minItemBytes, String what) throws InvalidRecordException {
        long left = in.length - pos;
        if (Long.compareUnsigned(argument, left / minItemBytes) > 0) {
            throw new InvalidRecordException("CBOR: " + what + " of length " + Long.toUnsignedString(argument)
                    + " exceeds the " + left + " bytes left");
        }
        return (int) argument;
    }

    private static void minimal(boolean ok) throws InvalidRecordException {
        if (!ok) {
            throw new InvalidRecordException("CBOR: integer or length not in its shortest form");
        }
    }

    private int u8() throws InvalidRecordException {
        if (pos >= in.length) {
            throw new InvalidRecordException("CBOR: truncated");
        }
        return in[pos++] & 0xff;
    }

    private long bigEndian(int n) throws InvalidRecordException {
        if (in.length - pos < n) {
            throw new InvalidRecordException("CBOR: truncated");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    private byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return out;
    }

    private static String utf8(byte[] bytes) throws InvalidRecordException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException("CBOR: text string is not valid UTF-8", e);
        }
    }

    /**
     * The IPNS {@code data} document: a map of {@code Value}, {@code Validity} (byte strings), {@code ValidityType}
     * (0), {@code Sequence} and {@code TTL} (unsigned), keys in DAG-CBOR order (TTL, Value, Sequence, Validity,
     * ValidityType).
     */
    static byte[] writeIpnsData(byte[] value, byte[] validity, long sequence, long ttlNanos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + value.length + validity.length);
        writeHead(out, MAP, 5);
        writeText(out, "TTL");
        writeHead(out, UNSIGNED, ttlNanos);
        writeText(out, "Value");
        writeHead(out, BYTES, value.length);
        out.writeBytes(value);
        writeText(out, "Sequence");
        writeHead(out, UNSIGNED, sequence);
        writeText(out, "Validity");
        writeHead(out, BYTES, validity.length);
        out.writeBytes(validity);
        writeText(out, "ValidityType");
        writeHead(out, UNSIGNED, 0);
        return out.toByteArray();
    }

    private static void writeText(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        writeHead(out, TEXT, bytes.length);
        out.writeBytes(bytes);
    }

    /** A head with {@code argument} (unsigned) in its shortest form. */
    static void writeHead(ByteArrayOutputStream out, int major, long argument) {
        int type = major << 5;
        if (Long.compareUnsigned(argument, 24) < 0) {
            out.write(type | (int) argument);
        } else if (Long.compareUnsigned(argument, 0x100) < 0) {
            out.write(type | 24);
            out.write((int) argument);
        } else if (Long.compareUnsigned(argument, 0x1_0000) < 0) {
            out.write(type | 25);
            writeBigEndian(out, argument, 2);
        } else if (Long.compareUnsigned(argument, 0x1_0000_0000L) < 0) {
            out.write(type | 26);
            writeBigEndian(out, argument, 4);
        } else {
            out.write(type | 27);
            writeBigEndian(out, argument, 8);
        }
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }
}
