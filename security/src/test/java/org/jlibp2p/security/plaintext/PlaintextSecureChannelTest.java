package org.jlibp2p.security.plaintext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.plaintext.PlaintextProtos.Exchange;
import org.jlibp2p.core.security.HandshakeException;
import org.jlibp2p.security.MalformedHandshakeException;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.security.SecureSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jlibp2p.core.io.MemoryPipe;

class PlaintextSecureChannelTest {
    private static final KeyPair A = Keys.generateEd25519();
    private static final KeyPair B = Keys.generateSecp256k1();

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() {
        executor.shutdownNow();
    }

    private record Canned(InputStream input, ByteArrayOutputStream output) implements Duplex {
        Canned(byte[] incoming) {
            this(new ByteArrayInputStream(incoming), new ByteArrayOutputStream());
        }

        @Override
        public void closeOutput() {}

        @Override
        public void close() {}
    }

    @Test
    void exchangeBothWays() throws Exception {
        Duplex[] pair = pipe();
        PlaintextSecureChannel b = new PlaintextSecureChannel(B.privateKey());
        Future<SecureSession> inbound = executor.submit(() -> b.secureInbound(pair[1]));
        SecureSession out = new PlaintextSecureChannel(A.privateKey())
                .secureOutbound(pair[0], PeerId.fromPublicKey(B.publicKey()));
        SecureSession in = inbound.get(10, TimeUnit.SECONDS);
        assertEquals(PeerId.fromPublicKey(B.publicKey()), out.remotePeer());
        assertEquals(B.publicKey(), out.remotePublicKey());
        assertEquals(PeerId.fromPublicKey(A.publicKey()), in.remotePeer());
        assertEquals(in.remotePeer(), out.localPeer());
        out.output().write("hi".getBytes());
        out.output().flush();
        assertArrayEquals("hi".getBytes(), in.input().readNBytes(2));
    }

    @Test
    void wireFormatIsAVarintPrefixedExchange() throws Exception {
        Canned canned = new Canned(exchange(B, PeerId.fromPublicKey(B.publicKey()).bytes()));
        new PlaintextSecureChannel(A.privateKey()).secureInbound(canned);
        Exchange sent = Exchange.parseFrom(LengthPrefixed.read(
                new ByteArrayInputStream(canned.output().toByteArray()), 4096));
        assertArrayEquals(PeerId.fromPublicKey(A.publicKey()).bytes(), sent.getId().toByteArray());
        assertEquals(A.publicKey(), Keys.unmarshalPublicKey(sent.getPubkey().toByteArray()));
    }

    private static byte[] exchange(KeyPair key, byte[] id) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixed.write(out, Exchange.newBuilder().setId(ByteString.copyFrom(id))
                .setPubkey(ByteString.copyFrom(key.publicKey().marshal())).build().toByteArray());
        return out.toByteArray();
    }

    @Test
    void wrongExpectedPeer() throws Exception {
        Canned canned = new Canned(exchange(B, PeerId.fromPublicKey(B.publicKey()).bytes()));
        PeerIdMismatchException e = assertThrows(PeerIdMismatchException.class,
                () -> new PlaintextSecureChannel(A.privateKey()).secureOutbound(canned,
                        PeerId.fromPublicKey(A.publicKey())));
        assertEquals(PeerId.fromPublicKey(B.publicKey()), e.actual());
    }

    @Test
    void announcedPeerIdMustMatchTheKey() {
        Canned canned = new Canned(uncheckedExchange(B, PeerId.fromPublicKey(A.publicKey()).bytes()));
        assertThrows(PeerIdMismatchException.class,
                () -> new PlaintextSecureChannel(A.privateKey()).secureInbound(canned));
    }

    private static byte[] uncheckedExchange(KeyPair key, byte[] id) {
        try {
            return exchange(key, id);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void malformedExchanges() {
        PlaintextSecureChannel channel = new PlaintextSecureChannel(A.privateKey());
        assertThrows(HandshakeException.class, () -> channel.secureInbound(new Canned(new byte[0])));
        assertThrows(FrameTooLargeException.class,
                () -> channel.secureInbound(new Canned(Varint.encode(1L << 30))));
        assertThrows(TruncatedFrameException.class, () -> channel.secureInbound(new Canned(new byte[] {10, 1})));
        assertThrows(MalformedHandshakeException.class,
                () -> channel.secureInbound(new Canned(new byte[] {3, (byte) 0xFF, 1, 2})));
        assertThrows(MalformedHandshakeException.class, () -> channel.secureInbound(new Canned(new byte[] {0})));
        assertThrows(MalformedHandshakeException.class,
                () -> channel.secureInbound(new Canned(uncheckedExchange(B, new byte[] {1, 2, 3}))));
    }

    @Test
    void randomInputOnlyEverGivesIOExceptions() {
        PlaintextSecureChannel channel = new PlaintextSecureChannel(A.privateKey());
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 500; i++) {
            byte[] wire = new byte[random.nextInt(80)];
            random.nextBytes(wire);
            if (wire.length > 0) {
                wire[0] = (byte) random.nextInt(wire.length);
            }
            assertThrows(IOException.class, () -> channel.secureInbound(new Canned(wire)));
        }
    }

    @Test
    void outputIsTheConnectionsOwn() throws Exception {
        Canned canned = new Canned(exchange(B, PeerId.fromPublicKey(B.publicKey()).bytes()));
        SecureSession s = new PlaintextSecureChannel(A.privateKey()).secureInbound(canned);
        OutputStream out = s.output();
        assertEquals(canned.output(), out);
    }

    /** Two connected in-memory ends. */
    private static Duplex[] pipe() {
        MemoryPipe.Pair p = MemoryPipe.create();
        return new Duplex[] {p.a(), p.b()};
    }
}
