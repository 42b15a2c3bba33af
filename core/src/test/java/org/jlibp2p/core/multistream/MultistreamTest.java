package org.jlibp2p.core.multistream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.multiformats.VarintException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jlibp2p.core.io.MemoryPipe;

class MultistreamTest {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() {
        executor.shutdownNow();
    }

    /** A duplex reading canned bytes and recording what is written. */
    private record Canned(InputStream input, ByteArrayOutputStream output) implements Duplex {
        Canned(byte[] incoming) {
            this(new ByteArrayInputStream(incoming), new ByteArrayOutputStream());
        }

        @Override
        public void closeOutput() {}

        @Override
        public void close() {}
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] msg(String s) {
        return Multistream.encode(s);
    }

    private static final byte[] HEADER = msg(Multistream.PROTOCOL_ID);

    @Test
    void encodingMatchesTheSpecExample() {
        assertArrayEquals(HexFormat.of().parseHex("0a2f6563686f2f312e300a"), msg("/echo/1.0"));
        assertEquals(19, HEADER[0]);
    }

    @Test
    void roundTripOverAPipe() throws Exception {
        Duplex[] pair = pipe();
        Future<String> listener = executor.submit(() -> Multistream.accept(pair[1], Set.of("/a/1", "/b/1")));
        assertEquals("/b/1", Multistream.select(pair[0], List.of("/b/1")));
        assertEquals("/b/1", listener.get(5, TimeUnit.SECONDS));

        // The stream carries the agreed protocol right after, in both directions.
        pair[0].output().write("ping".getBytes());
        pair[0].output().flush();
        assertEquals("ping", new String(pair[1].input().readNBytes(4)));
        pair[1].output().write("pong".getBytes());
        assertEquals("pong", new String(pair[0].input().readNBytes(4)));
    }

    @Test
    void refusedProposalThenSuccess() throws Exception {
        Duplex[] pair = pipe();
        Future<String> listener = executor.submit(() -> Multistream.accept(pair[1], List.of("/yamux/1.0.0")));
        assertEquals("/yamux/1.0.0", Multistream.select(pair[0], List.of("/mplex/6.7.0", "/yamux/1.0.0")));
        assertEquals("/yamux/1.0.0", listener.get(5, TimeUnit.SECONDS));
    }

    @Test
    void matcherAcceptsProtocolsItRecognises() throws Exception {
        Duplex[] pair = pipe();
        Future<String> listener = executor.submit(
                () -> Multistream.accept(pair[1], List.of(), p -> p.startsWith("/ipfs/kad/")));
        assertEquals("/ipfs/kad/1.0.0", Multistream.select(pair[0], List.of("/foo", "/ipfs/kad/1.0.0")));
        assertEquals("/ipfs/kad/1.0.0", listener.get(5, TimeUnit.SECONDS));
    }

    @Test
    void noCommonProtocol() throws Exception {
        Duplex[] pair = pipe();
        Future<String> listener = executor.submit(() -> Multistream.accept(pair[1], List.of("/c")));
        NoCommonProtocolException e = assertThrows(NoCommonProtocolException.class,
                () -> Multistream.select(pair[0], List.of("/a", "/b")));
        assertEquals(List.of("/a", "/b"), e.proposed());
        pair[0].close();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> listener.get(5, TimeUnit.SECONDS));
        assertInstanceOf(NegotiationException.class, failure.getCause());
    }

    @Test
    void dialerPipelinesHeaderAndFirstProposal() throws Exception {
        Canned canned = new Canned(concat(HEADER, msg("na"), msg("/b")));
        assertEquals("/b", Multistream.select(canned, List.of("/a", "/b")));
        assertArrayEquals(concat(HEADER, msg("/a"), msg("/b")), canned.output().toByteArray());
    }

    @Test
    void listenerReadsNothingBeyondTheNegotiation() throws Exception {
        Canned canned = new Canned(concat(HEADER, msg("/nope"), msg("/a"), "data".getBytes()));
        assertEquals("/a", Multistream.accept(canned, List.of("/a")));
        assertArrayEquals(concat(HEADER, msg("na"), msg("/a")), canned.output().toByteArray());
        assertEquals("data", new String(canned.input().readAllBytes()));
    }

    @Test
    void listenerAnswersLs() throws Exception {
        Canned canned = new Canned(concat(HEADER, msg("ls"), msg("/b")));
        assertEquals("/b", Multistream.accept(canned, List.of("/a", "/b")));
        byte[] inner = concat(msg("/a"), msg("/b"), new byte[] {'\n'});
        byte[] expected = concat(HEADER, Varint.encode(inner.length), inner, msg("/b"));
        assertArrayEquals(expected, canned.output().toByteArray());
    }

    @Test
    void listenerNeverAcceptsNa() throws Exception {
        Canned canned = new Canned(concat(HEADER, msg("na")));
        assertThrows(NegotiationException.class, () -> Multistream.accept(canned, List.of(), p -> true));
        assertArrayEquals(concat(HEADER, msg("na")), canned.output().toByteArray());
    }

    @Test
    void wrongHeader() {
        byte[] other = concat(msg("/multistream/2.0.0"), msg("/a"));
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> Multistream.accept(new Canned(other), List.of("/a")));
        assertTrue(e.getMessage().contains("/multistream/2.0.0"), e.getMessage());
        assertThrows(NegotiationException.class, () -> Multistream.select(new Canned(other), List.of("/a")));
    }

    @Test
    void remoteClosesBeforeAnswering() {
        assertThrows(NegotiationException.class, () -> Multistream.select(new Canned(new byte[0]), List.of("/a")));
        assertThrows(NegotiationException.class, () -> Multistream.select(new Canned(HEADER), List.of("/a")));
        assertThrows(NegotiationException.class, () -> Multistream.accept(new Canned(HEADER), List.of("/a")));
    }

    @Test
    void unexpectedAnswerToAProposal() {
        byte[] in = concat(HEADER, msg("/other"));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Multistream.select(new Canned(in), List.of("/a")));
        assertTrue(e.getMessage().contains("/other"), e.getMessage());
    }

    @Test
    void messageWithoutNewline() {
        byte[] noNewline = concat(new byte[] {3}, "/ab".getBytes());
        assertThrows(MalformedMessageException.class,
                () -> Multistream.accept(new Canned(concat(HEADER, noNewline)), List.of("/ab")));
        assertThrows(MalformedMessageException.class,
                () -> Multistream.select(new Canned(concat(HEADER, noNewline)), List.of("/ab")));
    }

    @Test
    void emptyMessage() {
        assertThrows(MalformedMessageException.class,
                () -> Multistream.accept(new Canned(concat(HEADER, new byte[] {0})), List.of("/a")));
    }

    @Test
    void invalidUtf8() {
        byte[] bad = {3, '/', (byte) 0xC3, '\n'};
        assertThrows(MalformedMessageException.class,
                () -> Multistream.accept(new Canned(concat(HEADER, bad)), List.of("/a")));
    }

    @Test
    void oversizedLengthIsRefusedBeforeReading() {
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> Multistream.accept(new Canned(concat(HEADER, Varint.encode(1025))), List.of("/a")));
        assertEquals(1025, e.claimed());
        assertEquals(Multistream.MAX_MESSAGE_LENGTH, e.limit());
        assertThrows(FrameTooLargeException.class,
                () -> Multistream.select(new Canned(Varint.encode(1L << 40)), List.of("/a")));
    }

    @Test
    void longestMessageIsAccepted() throws Exception {
        String id = "/" + "x".repeat(Multistream.MAX_MESSAGE_LENGTH - 2);
        assertEquals(id, Multistream.accept(new Canned(concat(HEADER, msg(id))), List.of(id)));
        assertThrows(IllegalArgumentException.class, () -> Multistream.select(new Canned(new byte[0]),
                List.of(id + "x")));
    }

    @Test
    void truncatedMessage() {
        byte[] truncated = concat(new byte[] {10}, "/abc".getBytes());
        assertThrows(TruncatedFrameException.class,
                () -> Multistream.accept(new Canned(concat(HEADER, truncated)), List.of("/a")));
    }

    @Test
    void malformedLengthPrefix() {
        byte[] overlong = {(byte) 0x80, 0};
        assertThrows(VarintException.class,
                () -> Multistream.accept(new Canned(concat(HEADER, overlong)), List.of("/a")));
        assertThrows(VarintException.class,
                () -> Multistream.accept(new Canned(new byte[] {(byte) 0x85}), List.of("/a")));
    }

    @Test
    void invalidArguments() {
        Canned c = new Canned(new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> Multistream.select(c, List.of()));
        assertThrows(IllegalArgumentException.class, () -> Multistream.select(c, List.of("/a\n")));
        assertThrows(IllegalArgumentException.class, () -> Multistream.select(c, List.of("na")));
        assertThrows(IllegalArgumentException.class, () -> Multistream.select(c, List.of("")));
        assertEquals(0, c.output().size());
    }

    @Test
    void nothingButTypedFailuresOnRandomInput() throws IOException {
        java.util.Random random = new java.util.Random(42);
        int failures = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] noise = new byte[random.nextInt(40)];
            random.nextBytes(noise);
            byte[] in = random.nextBoolean() ? concat(HEADER, noise) : noise;
            try {
                Multistream.accept(new Canned(in), List.of("/a"));
            } catch (IOException e) {
                assertTypedFailure(e);
                failures++;
            }
            try {
                Multistream.select(new Canned(in), List.of("/a"));
            } catch (IOException e) {
                assertTypedFailure(e);
                failures++;
            }
        }
        assertTrue(failures > 3000, failures + " of 4000 random inputs failed");
    }

    /** A failure on bad input is a negotiation failure or a malformed message, never a bare IOException. */
    private static void assertTypedFailure(IOException e) {
        assertTrue(e instanceof NegotiationException || e instanceof FormatException, () -> "untyped failure: " + e);
    }

    /** Two connected in-memory ends. */
    private static Duplex[] pipe() {
        MemoryPipe.Pair p = MemoryPipe.create();
        return new Duplex[] {p.a(), p.b()};
    }
}
