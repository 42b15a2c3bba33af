package org.jlibp2p.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.EnvelopeException;
import org.jlibp2p.core.record.InvalidSignatureException;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/**
 * Feeds the key, peer id, envelope and peer record parsers random and mutated input (bit flips, truncation,
 * insertions, huge length prefixes): each must either succeed or throw its own
 * {@link org.jlibp2p.core.FormatException} subclass.
 */
class MalformedInputTest {
    private static final long SEED = 0x6c69627032704bL;
    private static final long TWO_GIB = 2L * 1024 * 1024 * 1024;

    private interface Parser {
        void parse(byte[] input) throws Exception;
    }

    private final Random random = new Random(SEED);

    @Test
    void keysPeerIdsAndEnvelopesOnlyFailWithTheirFormatException() throws Exception {
        List<byte[]> privateSeeds = new ArrayList<>();
        List<byte[]> publicSeeds = new ArrayList<>();
        // Small keys often, the 4096-bit RSA vector rarely (RSA parsing is the slow one).
        for (String hex : List.of(SpecVectors.ED25519_PRIVATE, SpecVectors.SECP256K1_PRIVATE,
                SpecVectors.ECDSA_PRIVATE)) {
            privateSeeds.add(SpecVectors.bytes(hex));
        }
        for (String hex : List.of(SpecVectors.ED25519_PUBLIC, SpecVectors.SECP256K1_PUBLIC, SpecVectors.ECDSA_PUBLIC,
                SpecVectors.RSA_PUBLIC)) {
            publicSeeds.add(SpecVectors.bytes(hex));
        }
        byte[] rsaPrivate = SpecVectors.bytes(SpecVectors.RSA_PRIVATE);
        publicSeeds.add(((Secp256k1PublicKey) Keys.unmarshalPublicKey(publicSeeds.get(1))).uncompressed());

        int runs = 0;
        runs += fuzz(40_000, i -> i % 50 == 0 ? rsaPrivate : pick(privateSeeds),
                Keys::unmarshalPrivateKey, KeyFormatException.class);
        runs += fuzz(30_000, i -> pick(publicSeeds), Keys::unmarshalPublicKey, KeyFormatException.class);

        List<byte[]> idSeeds = new ArrayList<>();
        List<byte[]> idTextSeeds = new ArrayList<>();
        for (byte[] pub : publicSeeds.subList(0, 4)) {
            PeerId id = PeerId.fromPublicKey(Keys.unmarshalPublicKey(pub));
            idSeeds.add(id.bytes());
            idTextSeeds.add(id.toBase58().getBytes(StandardCharsets.US_ASCII));
            idTextSeeds.add(id.toCidString().getBytes(StandardCharsets.US_ASCII));
            idTextSeeds.add(id.toCidString(org.jlibp2p.core.multiformats.Multibase.Encoding.BASE36)
                    .getBytes(StandardCharsets.US_ASCII));
        }
        runs += fuzz(10_000, i -> pick(idSeeds), PeerId::fromBytes, PeerIdException.class);
        runs += fuzz(10_000, i -> pick(idTextSeeds),
                b -> PeerId.parse(new String(b, StandardCharsets.ISO_8859_1)), PeerIdException.class);

        List<byte[]> envelopeSeeds = new ArrayList<>();
        for (byte[] priv : privateSeeds) {
            envelopeSeeds.add(Envelope.seal(Keys.unmarshalPrivateKey(priv), "fuzz", new byte[] {3, 1},
                    "payload".getBytes(StandardCharsets.UTF_8)).marshal());
        }
        runs += fuzz(20_000, i -> pick(envelopeSeeds), b -> Envelope.open(b, "fuzz"),
                EnvelopeException.class, InvalidSignatureException.class);
        List<byte[]> recordSeeds = new ArrayList<>();
        for (byte[] pub : publicSeeds.subList(0, 4)) {
            recordSeeds.add(new PeerRecord(PeerId.fromPublicKey(Keys.unmarshalPublicKey(pub)), 42,
                    List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/4001"), Multiaddr.parse("/dns4/example.com/udp/1/quic-v1")))
                    .marshal());
        }
        runs += fuzz(10_000, i -> pick(recordSeeds), PeerRecord::unmarshal, EnvelopeException.class);
        assertTrue(runs >= 100_000, runs + " inputs");
    }

    @SafeVarargs
    private int fuzz(int count, java.util.function.IntFunction<byte[]> seeds, Parser parser,
            Class<? extends Exception>... allowed) {
        for (int i = 0; i < count; i++) {
            byte[] input = i % 10 == 0 ? randomBytes() : mutate(seeds.apply(i));
            try {
                parser.parse(input);
            } catch (Exception e) {
                if (Arrays.stream(allowed).noneMatch(c -> c == e.getClass())) {
                    throw new AssertionError("input " + java.util.HexFormat.of().formatHex(input) + " threw " + e, e);
                }
            }
        }
        return count;
    }

    private byte[] pick(List<byte[]> seeds) {
        return seeds.get(random.nextInt(seeds.size()));
    }

    private byte[] randomBytes() {
        byte[] b = new byte[random.nextInt(200)];
        random.nextBytes(b);
        return b;
    }

    private byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            if (b.length == 0) {
                return b;
            }
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> b = splice(b, at, new byte[] {(byte) random.nextInt(256)}, 0);
                case 4 -> b = splice(b, at, Varint.encode(random.nextBoolean() ? TWO_GIB : random.nextInt(1 << 20)), 1);
                default -> b = splice(b, at, new byte[0], Math.min(b.length - at, 1 + random.nextInt(4)));
            }
        }
        return b;
    }

    /** {@code b} with {@code removed} bytes at {@code at} replaced by {@code inserted}. */
    private static byte[] splice(byte[] b, int at, byte[] inserted, int removed) {
        removed = Math.min(removed, b.length - at);
        byte[] out = new byte[b.length - removed + inserted.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(b, at + removed, out, at + inserted.length, b.length - at - removed);
        return out;
    }

    @Test
    void twoGigabyteLengthPrefixIsRefusedBeforeAllocating() throws Exception {
        byte[] keyHeader = {0x08, 0x01, 0x12};
        byte[] hugeKey = concat(keyHeader, Varint.encode(TWO_GIB), new byte[16]);
        assertRefusedCheaply(() -> Keys.unmarshalPublicKey(hugeKey), KeyFormatException.class);
        assertRefusedCheaply(() -> Keys.unmarshalPrivateKey(hugeKey), KeyFormatException.class);

        // Envelope with a 2 GiB payload field, then one whose public key sub-message claims 2 GiB.
        byte[] hugePayload = concat(new byte[] {0x1a}, Varint.encode(TWO_GIB), new byte[16]);
        assertRefusedCheaply(() -> Envelope.open(hugePayload, "d"), EnvelopeException.class);
        byte[] hugeKeyField = concat(new byte[] {0x0a}, Varint.encode(TWO_GIB), keyHeader);
        assertRefusedCheaply(() -> Envelope.open(hugeKeyField, "d"), EnvelopeException.class);

        byte[] hugeMultihash = concat(new byte[] {0x00}, Varint.encode(TWO_GIB), new byte[16]);
        assertRefusedCheaply(() -> PeerId.fromBytes(hugeMultihash), PeerIdException.class);
    }

    private static void assertRefusedCheaply(org.junit.jupiter.api.function.Executable call,
            Class<? extends Exception> expected) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        Exception e = (Exception) assertThrows(Throwable.class, call);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertEquals(expected, e.getClass(), () -> "threw " + e);
        if (allocated > 4 * 1024 * 1024) {
            fail("allocated " + allocated + " bytes before refusing a 2 GiB length prefix");
        }
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
}
