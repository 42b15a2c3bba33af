package org.jlibp2p.core.multiaddr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiformats.Base58;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.CidException;
import org.jlibp2p.core.multiformats.Multibase;
import org.jlibp2p.core.multiformats.MultibaseException;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.multiformats.MultihashException;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.multiformats.VarintException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Feeds every parser of the multiformats and multiaddr packages random and mutated input. A parser may only succeed
 * (and then its result must round-trip) or throw its own {@link FormatException} subclass, and it may not allocate
 * more than a small multiple of its input.
 */
class MalformedInputTest {
    /** Inputs per parser. */
    private static final int INPUTS = 100_000;
    /** Inputs run before allocation is measured, so that linking error paths the first time does not count. */
    private static final int WARM_UP_INPUTS = 20_000;
    /** Measure the allocation of every n-th call. */
    private static final int MEASURE_EVERY = 16;
    /** Allowed allocation per call: this many bytes per input byte or character ... */
    private static final long BYTES_PER_INPUT_UNIT = 32;
    /** ... plus this constant (exception objects with their stack traces, small fixed structures). */
    private static final long CONSTANT_BYTES = 16 * 1024;

    private static final byte[][] HUGE_VARINTS = {
        HexFormat.of().parseHex("8080808008"), // 2^31
        HexFormat.of().parseHex("ffffffff0f"), // 2^35 - 1
        HexFormat.of().parseHex("ffffffffffffffff7f"), // 2^63 - 1
        HexFormat.of().parseHex("80808080808080808001"), // too long
        HexFormat.of().parseHex("8000"), // not minimal
    };
    private static final String INTERESTING_CHARS =
            "/////:::...%%%+-_~019afzAFZQmkKbBuUmzf \t\n\u0000\u007f\u00e9\u6f22\ud800\udc00\ud83d\ude80=?@";
    private static final String[] NAMES = Arrays.stream(Protocol.values()).map(Protocol::protocolName)
            .toArray(String[]::new);

    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounter() {
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    @FunctionalInterface
    interface Parser<I, O> {
        O parse(I input) throws Exception;
    }

    @FunctionalInterface
    interface Check<I, O> {
        void check(I input, O output) throws Exception;
    }

    @Test
    void varint() {
        Random r = new Random(1);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            seeds.add(Varint.encode(r.nextLong() >>> (1 + r.nextInt(63))));
        }
        fuzzBytes(r, seeds, Varint::decode, VarintException.class, (in, out) ->
                assertArrayEquals(Arrays.copyOf(in, out.length()), Varint.encode(out.value())));
    }

    @Test
    void multibase() {
        Random r = new Random(2);
        List<String> seeds = new ArrayList<>();
        for (Multibase.Encoding e : Multibase.Encoding.values()) {
            for (int i = 0; i < 8; i++) {
                seeds.add(Multibase.encode(e, RandomMultiaddrs.bytes(r, r.nextInt(3) == 0 ? r.nextInt(3) : r.nextInt(48))));
            }
        }
        fuzzText(r, seeds, Multibase::decode, MultibaseException.class, (in, out) ->
                assertArrayEquals(out, Multibase.decode(Multibase.encode(Multibase.encodingOf(in), out))));
    }

    @Test
    void base58() {
        Random r = new Random(3);
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] data = RandomMultiaddrs.bytes(r, r.nextInt(48));
            if (data.length > 2 && r.nextBoolean()) {
                data[0] = 0;
            }
            seeds.add(Base58.encode(data));
        }
        fuzzText(r, seeds, Base58::decode, MultibaseException.class, (in, out) -> assertEquals(in, Base58.encode(out)));
    }

    @Test
    void multihash() {
        Random r = new Random(4);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            seeds.add(multihash(r).bytes());
        }
        fuzzBytes(r, seeds, Multihash::fromBytes, MultihashException.class,
                (in, out) -> assertArrayEquals(in, out.bytes()));
    }

    @Test
    void cidBytes() {
        Random r = new Random(5);
        fuzzBytes(r, cids(r).stream().map(Cid::bytes).toList(), Cid::fromBytes, CidException.class, (in, out) -> {
            assertArrayEquals(in, out.bytes());
            assertEquals(out, Cid.parse(out.toString()));
        });
    }

    @Test
    void cidText() {
        Random r = new Random(6);
        List<String> seeds = new ArrayList<>();
        for (Cid cid : cids(r)) {
            seeds.add(cid.version() == 0 ? cid.toString()
                    : cid.toString(Multibase.Encoding.values()[r.nextInt(Multibase.Encoding.values().length)]));
        }
        fuzzText(r, seeds, Cid::parse, CidException.class, (in, out) -> {
            assertEquals(out, Cid.parse(out.toString()));
            assertEquals(out, Cid.fromBytes(out.bytes()));
        });
    }

    @Test
    void multiaddrBytes() {
        Random r = new Random(7);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seeds.add(RandomMultiaddrs.multiaddr(r).bytes());
        }
        fuzzBytes(r, seeds, Multiaddr::fromBytes, MultiaddrException.class, (in, out) -> {
            assertArrayEquals(in, out.bytes());
            assertEquals(out, Multiaddr.parse(out.toString()));
        });
    }

    @Test
    void multiaddrText() {
        Random r = new Random(8);
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seeds.add(RandomMultiaddrs.multiaddr(r).toString());
        }
        fuzzText(r, seeds, Multiaddr::parse, MultiaddrException.class, (in, out) -> {
            assertEquals(out, Multiaddr.fromBytes(out.bytes()));
            assertEquals(out, Multiaddr.parse(out.toString()));
            assertEquals(out.toString(), Multiaddr.parse(out.toString()).toString());
        });
    }

    /** Length prefixes claiming 2 GB and more are refused with the parser's exception, allocating next to nothing. */
    @Test
    void hugeLengthPrefixesAllocateNothing() {
        for (byte[] huge : HUGE_VARINTS) {
            byte[] mh = concat(new byte[] {0x00}, huge, new byte[] {1, 2, 3});
            assertRefusedCheaply(mh, Multihash::fromBytes, MultihashException.class);
            assertRefusedCheaply(concat(new byte[] {0x01, 0x55}, mh), Cid::fromBytes, CidException.class);
            for (Protocol p : Protocol.values()) {
                if (p.kind() == Protocol.Kind.VARIABLE || p.kind() == Protocol.Kind.PATH) {
                    byte[] ma = concat(Varint.encode(p.code()), huge, new byte[] {'/', 'a'});
                    assertRefusedCheaply(ma, Multiaddr::fromBytes, MultiaddrException.class);
                    byte[] after = concat(new byte[] {0x04, 1, 2, 3, 4}, ma);
                    assertRefusedCheaply(after, Multiaddr::fromBytes, MultiaddrException.class);
                }
            }
        }
        assertRefusedCheaply(HexFormat.of().parseHex("a503" + "8080808008"), Multiaddr::fromBytes,
                MultiaddrException.class);
        // A 2 GB certhash multihash inside a well-formed component length.
        assertRefusedCheaply(HexFormat.of().parseHex("d20307128080808008aa"), Multiaddr::fromBytes,
                MultiaddrException.class);
    }

    private static <O> void assertRefusedCheaply(byte[] input, Parser<byte[], O> parser,
            Class<? extends FormatException> expected) {
        // The first runs link the error path's string concatenations; measure the steady state.
        long allocated = 0;
        for (int run = 0; run < 3; run++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            Throwable thrown = null;
            try {
                parser.parse(input);
            } catch (Throwable t) {
                thrown = t;
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (!expected.isInstance(thrown)) {
                fail("expected " + expected.getSimpleName() + " for " + hex(input) + ", got " + thrown, thrown);
            }
        }
        long limit = BYTES_PER_INPUT_UNIT * input.length + CONSTANT_BYTES;
        assertTrue(allocated <= limit, allocated + " bytes allocated (limit " + limit + ") for " + hex(input));
    }

    // ---- the fuzz loops

    private static <O> void fuzzBytes(Random r, List<byte[]> seeds, Parser<byte[], O> parser,
            Class<? extends FormatException> expected, Check<byte[], O> check) {
        warmUp(seeds, parser);
        int successes = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = i % 10 == 0 ? RandomMultiaddrs.bytes(r, r.nextInt(64)) : mutate(r, seeds.get(r.nextInt(seeds.size())));
            boolean measure = i >= WARM_UP_INPUTS && i % MEASURE_EVERY == 0;
            long before = measure ? threads.getCurrentThreadAllocatedBytes() : 0;
            O output = null;
            try {
                output = parser.parse(input);
            } catch (Throwable t) {
                if (!expected.isInstance(t)) {
                    fail("unexpected " + t + " for input " + hex(input), t);
                }
            }
            if (measure) {
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                long limit = BYTES_PER_INPUT_UNIT * input.length + CONSTANT_BYTES;
                if (allocated > limit) {
                    fail(allocated + " bytes allocated (limit " + limit + ") for input " + hex(input));
                }
            }
            if (output != null) {
                successes++;
                try {
                    check.check(input, output);
                } catch (Throwable t) {
                    fail("parsed " + hex(input) + " to " + output + " which does not round-trip: " + t, t);
                }
            }
        }
        assertTrue(successes > 0, "no mutated input parsed at all");
    }

    private static <O> void fuzzText(Random r, List<String> seeds, Parser<String, O> parser,
            Class<? extends FormatException> expected, Check<String, O> check) {
        warmUp(seeds, parser);
        int successes = 0;
        for (int i = 0; i < INPUTS; i++) {
            String input = i % 10 == 0 ? randomText(r, r.nextInt(64)) : mutate(r, seeds.get(r.nextInt(seeds.size())));
            boolean measure = i >= WARM_UP_INPUTS && i % MEASURE_EVERY == 0;
            long before = measure ? threads.getCurrentThreadAllocatedBytes() : 0;
            O output = null;
            try {
                output = parser.parse(input);
            } catch (Throwable t) {
                if (!expected.isInstance(t)) {
                    fail("unexpected " + t + " for input '" + escape(input) + "'", t);
                }
            }
            if (measure) {
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                long limit = BYTES_PER_INPUT_UNIT * input.length() + CONSTANT_BYTES;
                if (allocated > limit) {
                    fail(allocated + " bytes allocated (limit " + limit + ") for input '" + escape(input) + "'");
                }
            }
            if (output != null) {
                successes++;
                try {
                    check.check(input, output);
                } catch (Throwable t) {
                    fail("parsed '" + escape(input) + "' to " + output + " which does not round-trip: " + t, t);
                }
            }
        }
        assertTrue(successes > 0, "no mutated input parsed at all");
    }

    /** Runs the parser a little so that class loading and JIT do not count as the parser's allocation. */
    private static <I, O> void warmUp(List<I> seeds, Parser<I, O> parser) {
        for (int round = 0; round < 20; round++) {
            for (I seed : seeds) {
                try {
                    parser.parse(seed);
                } catch (Exception e) {
                    // only warming up
                }
            }
        }
    }

    // ---- mutations

    private static byte[] mutate(Random r, byte[] seed) {
        byte[] b = seed.clone();
        for (int n = 1 + r.nextInt(3); n > 0; n--) {
            int pos = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            b = switch (r.nextInt(8)) {
                case 0 -> {
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        b[at] ^= (byte) (1 << r.nextInt(8));
                    }
                    yield b;
                }
                case 1 -> Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
                case 2 -> splice(b, pos, pos, RandomMultiaddrs.bytes(r, 1 + r.nextInt(4)));
                case 3 -> {
                    int from = b.length == 0 ? 0 : r.nextInt(b.length);
                    int to = from + r.nextInt(b.length - from + 1);
                    yield splice(b, pos, pos, Arrays.copyOfRange(b, from, to));
                }
                case 4 -> {
                    int end = pos + r.nextInt(b.length - pos + 1);
                    yield splice(b, pos, end, new byte[0]);
                }
                case 5 -> splice(b, pos, pos, HUGE_VARINTS[r.nextInt(HUGE_VARINTS.length)]);
                case 6 -> splice(b, pos, Math.min(b.length, pos + 1), HUGE_VARINTS[r.nextInt(HUGE_VARINTS.length)]);
                default -> concat(b, RandomMultiaddrs.bytes(r, 1 + r.nextInt(8)));
            };
        }
        return b;
    }

    private static String mutate(Random r, String seed) {
        StringBuilder s = new StringBuilder(seed);
        for (int n = 1 + r.nextInt(3); n > 0; n--) {
            int pos = s.isEmpty() ? 0 : r.nextInt(s.length() + 1);
            switch (r.nextInt(8)) {
                case 0 -> {
                    if (!s.isEmpty()) {
                        int at = r.nextInt(s.length());
                        s.setCharAt(at, r.nextBoolean() ? (char) (s.charAt(at) ^ (1 << r.nextInt(7)))
                                : INTERESTING_CHARS.charAt(r.nextInt(INTERESTING_CHARS.length())));
                    }
                }
                case 1 -> s.setLength(s.isEmpty() ? 0 : r.nextInt(s.length()));
                case 2 -> s.insert(pos, randomText(r, 1 + r.nextInt(4)));
                case 3 -> {
                    int from = s.isEmpty() ? 0 : r.nextInt(s.length());
                    int to = from + r.nextInt(s.length() - from + 1);
                    s.insert(pos, s.substring(from, to));
                }
                case 4 -> s.delete(pos, pos + r.nextInt(s.length() - pos + 1));
                case 5 -> s.insert(pos, "/" + NAMES[r.nextInt(NAMES.length)]);
                case 6 -> {
                    String t = s.toString();
                    s.setLength(0);
                    s.append(r.nextBoolean() ? t.toUpperCase(java.util.Locale.ROOT) : t.toLowerCase(java.util.Locale.ROOT));
                }
                default -> s.append(randomText(r, 1 + r.nextInt(8)));
            }
        }
        return s.toString();
    }

    private static String randomText(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(r.nextInt(4) == 0 ? (char) r.nextInt(0x10000) : INTERESTING_CHARS.charAt(r.nextInt(INTERESTING_CHARS.length())));
        }
        return sb.toString();
    }

    // ---- seeds and helpers

    private static Multihash multihash(Random r) {
        byte[] data = RandomMultiaddrs.bytes(r, r.nextInt(40));
        return switch (r.nextInt(4)) {
            case 0 -> Multihash.identity(data);
            case 1 -> Multihash.sha256(data);
            case 2 -> Multihash.sha512(data);
            default -> Multihash.of(0xb220 + r.nextInt(32), data);
        };
    }

    private static List<Cid> cids(Random r) {
        List<Cid> cids = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Multihash mh = multihash(r);
            if (mh.code() == Multicodec.SHA2_256.code() && r.nextBoolean()) {
                cids.add(Cid.v0(mh));
            } else {
                Multicodec[] codecs = Multicodec.values();
                cids.add(Cid.v1(codecs[r.nextInt(codecs.length)], mh));
            }
        }
        return cids;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.toString();
    }
}
