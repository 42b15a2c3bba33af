package org.jlibp2p.mdns.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jlibp2p.mdns.DnsFormatException;

/**
 * The few DNS messages mDNS discovery needs (RFC 1035, RFC 6762): questions, and PTR and TXT records (other records are
 * kept as opaque bytes). Decoding reads a datagram from anyone on the LAN, so it is strict and bounded: at most
 * {@link #MAX_MESSAGE} bytes, {@link #MAX_RECORDS} questions and records together, names of at most 255 bytes in labels
 * of at most 63, compression pointers only backwards and at most {@link #MAX_POINTERS} per name (no loops), record
 * data within the message, TXT strings within their record. Encoding writes names uncompressed.
 *
 * @param response the QR bit
 */
public record DnsMessage(int id, boolean response, List<Question> questions, List<Record> answers,
        List<Record> additionals) {
    public static final int MAX_MESSAGE = 9000;
    public static final int MAX_RECORDS = 64;
    public static final int MAX_POINTERS = 16;
    public static final int TYPE_A = 1;
    public static final int TYPE_PTR = 12;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_ANY = 255;
    public static final int CLASS_IN = 1;

    public DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        additionals = List.copyOf(additionals);
    }

    /** A question; {@code qclass} without the unicast-response bit. */
    public record Question(String name, int type, int qclass) {}

    /** A resource record; {@code rclass} without the cache-flush bit. */
    public sealed interface Record {
        String name();

        long ttl();
    }

    public record Ptr(String name, long ttl, String target) implements Record {}

    public record Txt(String name, long ttl, List<byte[]> strings) implements Record {
        public Txt {
            strings = List.copyOf(strings);
        }

        /** The strings as text (UTF-8). */
        public List<String> texts() {
            List<String> out = new ArrayList<>();
            for (byte[] s : strings) {
                out.add(new String(s, StandardCharsets.UTF_8));
            }
            return out;
        }
    }

    public record Other(String name, int type, int rclass, long ttl, byte[] data) implements Record {
        @Override
        public boolean equals(Object o) {
            return o instanceof Other x && x.name.equals(name) && x.type == type && x.rclass == rclass
                    && x.ttl == ttl && Arrays.equals(x.data, data);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(data);
        }
    }

    // ---------------------------------------------------------------- encoding

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        u16(out, id);
        u16(out, response ? 0x8400 : 0); // QR and AA for responses
        u16(out, questions.size());
        u16(out, answers.size());
        u16(out, 0);
        u16(out, additionals.size());
        for (Question q : questions) {
            name(out, q.name());
            u16(out, q.type());
            u16(out, q.qclass());
        }
        for (Record r : answers) {
            record(out, r);
        }
        for (Record r : additionals) {
            record(out, r);
        }
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, Record r) {
        name(out, r.name());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int type;
        int rclass = CLASS_IN;
        switch (r) {
            case Ptr p -> {
                type = TYPE_PTR;
                name(data, p.target());
            }
            case Txt t -> {
                type = TYPE_TXT;
                for (byte[] s : t.strings()) {
                    if (s.length > 255) {
                        throw new IllegalArgumentException("a TXT string holds at most 255 bytes");
                    }
                    data.write(s.length);
                    data.writeBytes(s);
                }
            }
            case Other o -> {
                type = o.type();
                rclass = o.rclass();
                data.writeBytes(o.data());
            }
        }
        u16(out, type);
        u16(out, rclass);
        u16(out, (int) (r.ttl() >>> 16));
        u16(out, (int) r.ttl());
        u16(out, data.size());
        out.writeBytes(data.toByteArray());
    }

    private static void name(ByteArrayOutputStream out, String name) {
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] b = label.getBytes(StandardCharsets.UTF_8);
            if (b.length > 63) {
                throw new IllegalArgumentException("label longer than 63 bytes: " + label);
            }
            out.write(b.length);
            out.writeBytes(b);
        }
        out.write(0);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8 & 0xff);
        out.write(v & 0xff);
    }

    // ---------------------------------------------------------------- decoding

    public static DnsMessage decode(byte[] b, int length) throws DnsFormatException {
        if (length > MAX_MESSAGE || length > b.length) {
            throw new DnsFormatException("message of " + length + " bytes");
        }
        Reader r = new Reader(b, length);
        int id = r.u16();
        int flags = r.u16();
        int qd = r.u16();
        int an = r.u16();
        int ns = r.u16();
        int ar = r.u16();
        if (qd + an + ns + ar > MAX_RECORDS) {
            throw new DnsFormatException("more than " + MAX_RECORDS + " questions and records");
        }
        List<Question> questions = new ArrayList<>(qd);
        for (int i = 0; i < qd; i++) {
            String name = r.name();
            questions.add(new Question(name, r.u16(), r.u16() & 0x7fff));
        }
        List<Record> answers = new ArrayList<>(an);
        for (int i = 0; i < an; i++) {
            answers.add(r.record());
        }
        for (int i = 0; i < ns; i++) {
            r.record();
        }
        List<Record> additionals = new ArrayList<>(ar);
        for (int i = 0; i < ar; i++) {
            additionals.add(r.record());
        }
        return new DnsMessage(id, (flags & 0x8000) != 0, questions, answers, additionals);
    }

    private static final class Reader {
        private final byte[] b;
        private final int limit;
        private int pos;

        Reader(byte[] b, int limit) {
            this.b = b;
            this.limit = limit;
        }

        int u8() throws DnsFormatException {
            if (pos >= limit) {
                throw new DnsFormatException("truncated message");
            }
            return b[pos++] & 0xff;
        }

        int u16() throws DnsFormatException {
            return u8() << 8 | u8();
        }

        long u32() throws DnsFormatException {
            return ((long) u16() << 16) | u16();
        }

        String name() throws DnsFormatException {
            int[] at = {pos};
            String n = nameAt(at);
            pos = at[0];
            return n;
        }

        /** Reads the name at {@code at[0]}, leaving {@code at[0]} after it (after its first pointer, if any). */
        private String nameAt(int[] at) throws DnsFormatException {
            StringBuilder s = new StringBuilder();
            int p = at[0];
            int end = -1;
            int pointers = 0;
            int length = 0;
            while (true) {
                if (p >= limit) {
                    throw new DnsFormatException("truncated name");
                }
                int len = b[p] & 0xff;
                if (len == 0) {
                    p++;
                    break;
                }
                if ((len & 0xc0) == 0xc0) {
                    if (p + 1 >= limit) {
                        throw new DnsFormatException("truncated compression pointer");
                    }
                    int target = (len & 0x3f) << 8 | (b[p + 1] & 0xff);
                    if (target >= p) {
                        throw new DnsFormatException("compression pointer that does not point backwards");
                    }
                    if (++pointers > MAX_POINTERS) {
                        throw new DnsFormatException("more than " + MAX_POINTERS + " compression pointers");
                    }
                    if (end < 0) {
                        end = p + 2;
                    }
                    p = target;
                    continue;
                }
                if ((len & 0xc0) != 0) {
                    throw new DnsFormatException("reserved label type");
                }
                if (p + 1 + len > limit) {
                    throw new DnsFormatException("truncated label");
                }
                length += len + 1;
                if (length > 255) {
                    throw new DnsFormatException("name longer than 255 bytes");
                }
                if (!s.isEmpty()) {
                    s.append('.');
                }
                s.append(new String(b, p + 1, len, StandardCharsets.UTF_8));
                p += 1 + len;
            }
            at[0] = end >= 0 ? end : p;
            return s.toString();
        }

        Record record() throws DnsFormatException {
            String name = name();
            int type = u16();
            int rclass = u16() & 0x7fff;
            long ttl = u32();
            int rdlength = u16();
            int start = pos;
            if (start + rdlength > limit) {
                throw new DnsFormatException("record data beyond the message");
            }
            Record out;
            switch (type) {
                case TYPE_PTR -> {
                    int[] at = {start};
                    String target = nameAt(at);
                    if (at[0] != start + rdlength) {
                        throw new DnsFormatException("PTR data of the wrong length");
                    }
                    out = new Ptr(name, ttl, target);
                }
                case TYPE_TXT -> {
                    List<byte[]> strings = new ArrayList<>();
                    int p = start;
                    while (p < start + rdlength) {
                        int len = b[p] & 0xff;
                        if (p + 1 + len > start + rdlength) {
                            throw new DnsFormatException("TXT string beyond its record");
                        }
                        strings.add(Arrays.copyOfRange(b, p + 1, p + 1 + len));
                        p += 1 + len;
                    }
                    out = new Txt(name, ttl, strings);
                }
                default -> out = new Other(name, type, rclass, ttl, Arrays.copyOfRange(b, start, start + rdlength));
            }
            pos = start + rdlength;
            return out;
        }
    }
}
