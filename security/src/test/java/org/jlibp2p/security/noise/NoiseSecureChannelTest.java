package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.noise.NoiseProtos.NoiseHandshakePayload;
import org.jlibp2p.core.security.HandshakeException;
import org.jlibp2p.security.InvalidSignatureException;
import org.jlibp2p.security.MalformedHandshakeException;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.security.RecordingDuplex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jlibp2p.core.io.MemoryPipe;

class NoiseSecureChannelTest {
    private static final KeyPair ED25519 = Keys.generateEd25519();
    private static final KeyPair ED25519_OTHER = Keys.generateEd25519();

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() {
        executor.shutdownNow();
    }

    private record Sessions(NoiseSession initiator, NoiseSession responder) {}

    private static NoiseSecureChannel channel(PrivateKey key, String... muxers) {
        return new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(muxers)));
    }

    private <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private Sessions connect(NoiseSecureChannel initiator, NoiseSecureChannel responder, Duplex a, Duplex b)
            throws Exception {
        Future<NoiseSession> inbound = executor.submit(() -> responder.secureInbound(b));
        NoiseSession outbound = initiator.secureOutbound(a, responder.localPeer());
        return new Sessions(outbound, await(inbound));
    }

    private Sessions connect(NoiseSecureChannel initiator, NoiseSecureChannel responder) throws Exception {
        Duplex[] pair = pipe();
        return connect(initiator, responder, pair[0], pair[1]);
    }

    private void handshakeAndTalk(KeyPair a, KeyPair b) throws Exception {
        Sessions s = connect(channel(a.privateKey()), channel(b.privateKey()));
        assertEquals(PeerId.fromPublicKey(b.publicKey()), s.initiator().remotePeer());
        assertEquals(PeerId.fromPublicKey(a.publicKey()), s.responder().remotePeer());
        assertEquals(b.publicKey(), s.initiator().remotePublicKey());
        assertEquals(a.publicKey(), s.responder().remotePublicKey());
        assertEquals(s.initiator().localPeer(), s.responder().remotePeer());
        assertEquals(Optional.empty(), s.initiator().negotiatedMuxer());

        s.initiator().output().write("hello".getBytes());
        s.initiator().output().flush();
        assertArrayEquals("hello".getBytes(), s.responder().input().readNBytes(5));
        s.responder().output().write("world!".getBytes());
        s.responder().output().flush();
        assertArrayEquals("world!".getBytes(), s.initiator().input().readNBytes(6));

        s.initiator().closeOutput();
        assertEquals(-1, s.responder().input().read());
        s.responder().output().write(7);
        s.responder().output().close();
        assertEquals(7, s.initiator().input().read());
        assertEquals(-1, s.initiator().input().read());
    }

    @Test
    void ed25519Identities() throws Exception {
        handshakeAndTalk(ED25519, ED25519_OTHER);
    }

    @Test
    void secp256k1AndEd25519Identities() throws Exception {
        handshakeAndTalk(Keys.generateSecp256k1(), ED25519);
        handshakeAndTalk(ED25519, Keys.generateSecp256k1());
    }

    @Test
    void rsaIdentities() throws Exception {
        handshakeAndTalk(Keys.generateRsa(2048), Keys.generateSecp256k1());
    }

    @Test
    void oneChannelServesManyHandshakes() throws Exception {
        NoiseSecureChannel server = channel(ED25519.privateKey());
        for (int i = 0; i < 3; i++) {
            Sessions s = connect(channel(Keys.generateEd25519().privateKey()), server);
            s.initiator().output().write(i);
            s.initiator().output().flush();
            assertEquals(i, s.responder().input().read());
        }
    }

    @Test
    void wrongExpectedPeerId() throws Exception {
        Duplex[] pair = pipe();
        NoiseSecureChannel responder = channel(ED25519_OTHER.privateKey());
        Future<NoiseSession> inbound = executor.submit(() -> responder.secureInbound(pair[1]));
        PeerId expected = PeerId.fromPublicKey(ED25519.publicKey());
        PeerIdMismatchException e = assertThrows(PeerIdMismatchException.class,
                () -> channel(Keys.generateEd25519().privateKey()).secureOutbound(pair[0], expected));
        assertEquals(expected, e.expected());
        assertEquals(responder.localPeer(), e.actual());
        pair[0].close();
        assertThrows(HandshakeException.class, () -> await(inbound));
    }

    @Test
    void earlyMuxerNegotiationFollowsTheInitiatorsPreference() throws Exception {
        Sessions s = connect(channel(ED25519.privateKey(), "/yamux/1.0.0", "/mplex/6.7.0"),
                channel(ED25519_OTHER.privateKey(), "/mplex/6.7.0", "/yamux/1.0.0"));
        assertEquals(Optional.of("/yamux/1.0.0"), s.initiator().negotiatedMuxer());
        assertEquals(Optional.of("/yamux/1.0.0"), s.responder().negotiatedMuxer());

        s = connect(channel(ED25519.privateKey(), "/yamux/1.0.0", "/mplex/6.7.0"),
                channel(ED25519_OTHER.privateKey(), "/mplex/6.7.0"));
        assertEquals(Optional.of("/mplex/6.7.0"), s.initiator().negotiatedMuxer());
        assertEquals(Optional.of("/mplex/6.7.0"), s.responder().negotiatedMuxer());
    }

    @Test
    void noEarlyMuxerWithoutCommonOffer() throws Exception {
        Sessions s = connect(channel(ED25519.privateKey(), "/yamux/1.0.0"), channel(ED25519_OTHER.privateKey()));
        assertEquals(Optional.empty(), s.initiator().negotiatedMuxer());
        assertEquals(Optional.empty(), s.responder().negotiatedMuxer());
        s = connect(channel(ED25519.privateKey(), "/yamux/1.0.0"), channel(ED25519_OTHER.privateKey(), "/mplex/6.7.0"));
        assertEquals(Optional.empty(), s.initiator().negotiatedMuxer());
        assertEquals(Optional.empty(), s.responder().negotiatedMuxer());
    }

    @Test
    void smallWritesAreBufferedIntoOneFrame() throws Exception {
        Duplex[] pair = pipe();
        RecordingDuplex recording = new RecordingDuplex(pair[0]);
        Sessions s = connect(channel(ED25519.privateKey()), channel(ED25519_OTHER.privateKey()), recording, pair[1]);
        int before = recording.writes();
        for (int i = 0; i < 1000; i++) {
            s.initiator().output().write(i);
        }
        s.initiator().output().write(new byte[5000]);
        s.initiator().output().flush();
        assertEquals(before + 1, recording.writes());
        assertEquals(2 + 6000 + 16, recording.largestWrite());
        byte[] got = s.responder().input().readNBytes(6000);
        for (int i = 0; i < 1000; i++) {
            assertEquals((byte) i, got[i]);
        }
    }

    @Test
    void largeWritesAreSplitIntoFullFramesSentTwoToAWrite() throws Exception {
        Duplex[] pair = pipe();
        RecordingDuplex recording = new RecordingDuplex(pair[0]);
        Sessions s = connect(channel(ED25519.privateKey()), channel(ED25519_OTHER.privateKey()), recording, pair[1]);
        int before = recording.writes();
        long bytesBefore = recording.bytesWritten();
        byte[] data = new byte[3 * NoiseSession.MAX_PLAINTEXT + 10];
        new Random(1).nextBytes(data);
        Future<byte[]> received = executor.submit(() -> s.responder().input().readNBytes(data.length));
        s.initiator().output().write(data);
        s.initiator().output().flush();
        assertArrayEquals(data, await(received));
        // Three full frames and one of 10 bytes: the first two go out together once the buffer holds no third, the
        // others together at the flush.
        assertEquals(before + 2, recording.writes());
        assertEquals(2 * (2 + 65535), recording.largestWrite());
        assertEquals(bytesBefore + 3 * (2 + 65535) + 2 + 10 + 16, recording.bytesWritten());
    }

    @Test
    void readNBytesWithinAFrameAndAcrossFrames() throws Exception {
        Sessions s = connect(channel(ED25519.privateKey()), channel(ED25519_OTHER.privateKey()));
        byte[] data = new byte[2 * NoiseSession.MAX_PLAINTEXT + 100];
        new Random(3).nextBytes(data);
        Future<?> sent = executor.submit(() -> {
            s.initiator().output().write(data);
            s.initiator().output().flush();
            s.initiator().closeOutput();
            return null;
        });
        InputStream in = s.responder().input();
        int first = 1000; // inside the first frame: copied straight out of it
        int second = NoiseSession.MAX_PLAINTEXT; // the rest of the first frame and most of the second
        assertArrayEquals(Arrays.copyOfRange(data, 0, first), in.readNBytes(first));
        assertArrayEquals(Arrays.copyOfRange(data, first, first + second), in.readNBytes(second));
        // More than is left: everything up to the end of the stream.
        assertArrayEquals(Arrays.copyOfRange(data, first + second, data.length), in.readNBytes(data.length));
        assertEquals(0, in.readNBytes(10).length);
        await(sent);
    }

    @Test
    void readSegmentLendsTheRestOfALargeFrameAndCopiesAnythingElse() throws Exception {
        NoiseSecureChannel responder = channel(ED25519_OTHER.privateKey());
        Sessions s = connect(channel(ED25519.privateKey()), responder);
        byte[] data = new byte[3 * NoiseSession.MAX_PLAINTEXT];
        new Random(4).nextBytes(data);
        OutputStream out = s.initiator().output();
        int third = NoiseSession.MAX_PLAINTEXT / 3;
        // Frame 1: a 12-byte "header" and the rest of the frame as one payload, as Yamux sends a data frame.
        // Frame 2: read in three parts, none of them the whole rest. Frame 3: a payload too small to lend its buffer.
        Future<?> sent = executor.submit(() -> {
            out.write(data, 0, NoiseSession.MAX_PLAINTEXT);
            out.write(data, NoiseSession.MAX_PLAINTEXT, NoiseSession.MAX_PLAINTEXT);
            out.write(data, 2 * NoiseSession.MAX_PLAINTEXT, third + 12);
            out.flush();
            s.initiator().closeOutput();
            return null;
        });
        Segment.Reader in = assertInstanceOf(Segment.Reader.class, s.responder().input());
        InputStream stream = s.responder().input();

        assertArrayEquals(Arrays.copyOfRange(data, 0, 12), stream.readNBytes(12));
        Segment lent = in.readSegment(NoiseSession.MAX_PLAINTEXT - 12);
        assertEquals(NoiseSession.MAX_PLAINTEXT, lent.array().length, "the frame's plaintext buffer itself");
        assertEquals(12, lent.offset());
        assertArrayEquals(Arrays.copyOfRange(data, 12, NoiseSession.MAX_PLAINTEXT), bytes(lent));

        int at = NoiseSession.MAX_PLAINTEXT;
        for (int part : new int[] {third, third, NoiseSession.MAX_PLAINTEXT - 2 * third}) {
            Segment copied = in.readSegment(part);
            assertEquals(part, copied.array().length, "copied out, part " + part);
            assertArrayEquals(Arrays.copyOfRange(data, at, at + part), bytes(copied));
            at += part;
        }
        assertArrayEquals(Arrays.copyOfRange(data, at, at + 12), stream.readNBytes(12));
        Segment small = in.readSegment(third);
        assertEquals(third, small.array().length, "a payload under half a frame is copied");
        assertArrayEquals(Arrays.copyOfRange(data, at + 12, at + 12 + third), bytes(small));

        // The lent buffer is the reader's until it gives it back, to the pool of the channel that made its session.
        int pooled = responder.buffers().plain().pooled();
        lent.release();
        assertEquals(pooled + 1, responder.buffers().plain().pooled());
        assertThrows(TruncatedFrameException.class, () -> in.readSegment(1));
        await(sent);
    }

    private static byte[] bytes(Segment segment) {
        return Arrays.copyOfRange(segment.array(), segment.offset(), segment.offset() + segment.length());
    }

    @Test
    void eachChannelKeepsBufferPoolsOfItsOwn() throws Exception {
        NoiseSecureChannel a = channel(ED25519.privateKey());
        NoiseSecureChannel b = channel(ED25519_OTHER.privateKey());
        NoiseSecureChannel bystander = channel(Keys.generateEd25519().privateKey());
        assertNotSame(a.buffers().read(), b.buffers().read());
        assertNotSame(a.buffers().write(), b.buffers().write());
        assertNotSame(a.buffers().plain(), b.buffers().plain());

        // Each side's frames are built in a buffer of its own channel's pool, which gets it back after the flush.
        Sessions s = connect(a, b);
        byte[] data = new byte[3 * NoiseSession.MAX_PLAINTEXT];
        new Random(5).nextBytes(data);
        Future<?> sent = executor.submit(() -> {
            s.initiator().output().write(data);
            s.initiator().output().flush();
            return null;
        });
        assertArrayEquals(data, s.responder().input().readNBytes(data.length));
        await(sent);
        assertEquals(1, a.buffers().write().pooled());
        assertEquals(0, b.buffers().write().pooled());
        s.responder().output().write(data, 0, 100);
        s.responder().output().flush();
        assertArrayEquals(Arrays.copyOf(data, 100), s.initiator().input().readNBytes(100));
        assertEquals(1, b.buffers().write().pooled());
        assertEquals(1, a.buffers().write().pooled());

        // A node that took no part holds nothing.
        assertEquals(0, bystander.buffers().read().pooled());
        assertEquals(0, bystander.buffers().write().pooled());
        assertEquals(0, bystander.buffers().plain().pooled());
    }

    @Test
    void aFullFrameWaitsForTheFlushAndGoesOutWithWhatFollows() throws Exception {
        Duplex[] pair = pipe();
        RecordingDuplex recording = new RecordingDuplex(pair[0]);
        Sessions s = connect(channel(ED25519.privateKey()), channel(ED25519_OTHER.privateKey()), recording, pair[1]);
        int before = recording.writes();
        byte[] data = new byte[NoiseSession.MAX_PLAINTEXT + 29];
        new Random(2).nextBytes(data);
        Future<byte[]> received = executor.submit(() -> s.responder().input().readNBytes(data.length));
        s.initiator().output().write(data, 0, NoiseSession.MAX_PLAINTEXT);
        s.initiator().output().write(data, NoiseSession.MAX_PLAINTEXT, 29);
        assertEquals(before, recording.writes());
        s.initiator().output().flush();
        assertEquals(before + 1, recording.writes());
        assertEquals(2 + 65535 + 2 + 29 + 16, recording.largestWrite());
        assertArrayEquals(data, await(received));
    }

    @Test
    void sixteenMebibytesBothWays() throws Exception {
        Sessions s = connect(channel(ED25519.privateKey()), channel(ED25519_OTHER.privateKey()));
        int size = 16 * 1024 * 1024;
        Future<byte[]> sentByInitiator = executor.submit(() -> send(s.initiator(), size, 1));
        Future<byte[]> sentByResponder = executor.submit(() -> send(s.responder(), size, 2));
        Future<byte[]> receivedByResponder = executor.submit(() -> receive(s.responder(), size));
        byte[] receivedByInitiator = receive(s.initiator(), size);
        assertArrayEquals(await(sentByResponder), receivedByInitiator);
        assertArrayEquals(await(sentByInitiator), await(receivedByResponder));
    }

    /** Sends {@code size} pseudo-random bytes in writes of varying sizes; returns their SHA-256. */
    private static byte[] send(NoiseSession session, int size, long seed) throws Exception {
        Random random = new Random(seed);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[200_000];
        OutputStream out = session.output();
        int sent = 0;
        while (sent < size) {
            int n = Math.min(size - sent, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            digest.update(chunk, 0, n);
            sent += n;
        }
        out.close();
        return digest.digest();
    }

    /** Reads to the end of the stream, checking there are {@code size} bytes; returns their SHA-256. */
    private static byte[] receive(NoiseSession session, int size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[100_000];
        InputStream in = session.input();
        long total = 0;
        Random random = new Random(3);
        int n;
        while ((n = in.read(buf, 0, 1 + random.nextInt(buf.length))) >= 0) {
            digest.update(buf, 0, n);
            total += n;
        }
        assertEquals(size, total);
        return digest.digest();
    }

    @Test
    void tamperedFrameAfterTheHandshakeClosesTheChannel() throws Exception {
        Duplex[] pair = pipe();
        RecordingDuplex recording = new RecordingDuplex(pair[0]);
        Sessions s = connect(channel(ED25519.privateKey()), channel(ED25519_OTHER.privateKey()), recording, pair[1]);
        s.initiator().output().write("fine".getBytes());
        s.initiator().output().flush();
        recording.corruptNextWrite();
        s.initiator().output().write("tampered".getBytes());
        s.initiator().output().flush();
        assertArrayEquals("fine".getBytes(), s.responder().input().readNBytes(4));
        assertThrows(FrameAuthenticationException.class, () -> s.responder().input().read(new byte[100]));
        assertThrows(FrameAuthenticationException.class, () -> s.responder().input().read());
        // The connection is closed: the initiator can no longer write to it.
        assertThrows(IOException.class, () -> {
            s.initiator().output().write(new byte[10]);
            s.initiator().output().flush();
        });
    }

    @Test
    void malformedFramesAfterTheHandshake() throws Exception {
        record Case(byte[] wire, Class<? extends IOException> expected) {}
        List<Case> cases = List.of(
                new Case(new byte[] {0, 100, 1, 2, 3}, TruncatedFrameException.class),
                new Case(new byte[] {0}, TruncatedFrameException.class),
                new Case(new byte[] {0, 5, 1, 2, 3, 4, 5}, FrameAuthenticationException.class),
                new Case(garbageFrame(1000), FrameAuthenticationException.class));
        for (Case c : cases) {
            Duplex[] pair = pipe();
            Sessions s = connect(channel(ED25519.privateKey()), channel(ED25519_OTHER.privateKey()), pair[0], pair[1]);
            pair[0].output().write(c.wire());
            pair[0].closeOutput();
            assertThrows(c.expected(), () -> s.responder().input().readNBytes(10));
        }
    }

    private static byte[] garbageFrame(int length) {
        byte[] frame = new byte[2 + length];
        new Random(length).nextBytes(frame);
        frame[0] = (byte) (length >>> 8);
        frame[1] = (byte) length;
        return frame;
    }

    // --- a misbehaving responder, driven message by message ---

    /** Runs our initiator against a responder that answers message 1 with {@code answer}. */
    private Exception initiatorFailure(Function<HandshakeState, byte[]> answer) throws Exception {
        Duplex[] pair = pipe();
        Future<?> rogue = executor.submit((Callable<Void>) () -> {
            HandshakeState hs = new HandshakeState(false, new byte[0], X25519KeyPair.generate(new SecureRandom()),
                    () -> X25519KeyPair.generate(new SecureRandom()));
            byte[] buf = new byte[NoiseSession.MAX_FRAME];
            hs.readMessage(buf, 0, NoiseSecureChannel.readFrame(pair[1].input(), buf));
            pair[1].output().write(answer.apply(hs));
            pair[1].closeOutput();
            return null;
        });
        Exception failure = assertThrows(IOException.class, () -> channel(ED25519.privateKey()).secureOutbound(pair[0]));
        await(rogue);
        return failure;
    }

    private static byte[] framed(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            NoiseSecureChannel.writeFrame(out, message);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static byte[] write(HandshakeState hs, byte[] payload) {
        try {
            return hs.writeMessage(payload);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static NoiseHandshakePayload.Builder signedPayload(KeyPair identity, byte[] staticKey) {
        return NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
                .setIdentitySig(ByteString.copyFrom(
                        identity.privateKey().sign(NoiseSecureChannel.signedData(staticKey))));
    }

    @Test
    void wellBehavedRogueIsAccepted() throws Exception {
        // The helper itself is sound: a correct payload gets past message 2 (the initiator then fails only
        // because the rogue closes instead of reading message 3).
        Duplex[] pair = pipe();
        Future<?> rogue = executor.submit((Callable<Void>) () -> {
            HandshakeState hs = new HandshakeState(false, new byte[0], X25519KeyPair.generate(new SecureRandom()),
                    () -> X25519KeyPair.generate(new SecureRandom()));
            byte[] buf = new byte[NoiseSession.MAX_FRAME];
            hs.readMessage(buf, 0, NoiseSecureChannel.readFrame(pair[1].input(), buf));
            byte[] payload = signedPayload(ED25519_OTHER, hs.localStaticKey()).build().toByteArray();
            pair[1].output().write(framed(write(hs, payload)));
            hs.readMessage(buf, 0, NoiseSecureChannel.readFrame(pair[1].input(), buf));
            assertTrue(hs.isComplete());
            return null;
        });
        NoiseSession session = channel(ED25519.privateKey()).secureOutbound(pair[0],
                PeerId.fromPublicKey(ED25519_OTHER.publicKey()));
        await(rogue);
        assertEquals(PeerId.fromPublicKey(ED25519_OTHER.publicKey()), session.remotePeer());
    }

    @Test
    void signatureOverAnotherStaticKey() throws Exception {
        Exception e = initiatorFailure(hs -> framed(write(hs,
                signedPayload(ED25519_OTHER, new byte[32]).build().toByteArray())));
        assertInstanceOf(InvalidSignatureException.class, e);
    }

    @Test
    void tamperedSignature() throws Exception {
        Exception e = initiatorFailure(hs -> {
            NoiseHandshakePayload good = signedPayload(ED25519_OTHER, hs.localStaticKey()).build();
            byte[] sig = good.getIdentitySig().toByteArray();
            sig[10] ^= 0x20;
            return framed(write(hs, good.toBuilder().setIdentitySig(ByteString.copyFrom(sig)).build().toByteArray()));
        });
        assertInstanceOf(InvalidSignatureException.class, e);
    }

    @Test
    void garbagePayload() throws Exception {
        Exception e = initiatorFailure(hs -> framed(write(hs, new byte[] {(byte) 0xFF, 0x01, 0x02})));
        assertInstanceOf(MalformedHandshakeException.class, e);
    }

    @Test
    void payloadWithoutSignature() throws Exception {
        Exception e = initiatorFailure(hs -> framed(write(hs,
                signedPayload(ED25519_OTHER, hs.localStaticKey()).clearIdentitySig().build().toByteArray())));
        assertInstanceOf(MalformedHandshakeException.class, e);
    }

    @Test
    void payloadWithAnInvalidIdentityKey() throws Exception {
        Exception e = initiatorFailure(hs -> framed(write(hs, signedPayload(ED25519_OTHER, hs.localStaticKey())
                .setIdentityKey(ByteString.copyFrom(new byte[] {8, 1, 18, 3, 1, 2, 3})).build().toByteArray())));
        assertInstanceOf(MalformedHandshakeException.class, e);
    }

    @Test
    void tamperedHandshakeCiphertext() throws Exception {
        Exception e = initiatorFailure(hs -> {
            byte[] message = write(hs, signedPayload(ED25519_OTHER, hs.localStaticKey()).build().toByteArray());
            message[message.length - 1] ^= 1;
            return framed(message);
        });
        assertInstanceOf(FrameAuthenticationException.class, e);
    }

    @Test
    void handshakeMessageTooShortForItsKeys() throws Exception {
        byte[] shortMessage = new byte[40];
        new Random(4).nextBytes(shortMessage);
        assertInstanceOf(MalformedHandshakeException.class, initiatorFailure(hs -> framed(shortMessage)));
        assertInstanceOf(MalformedHandshakeException.class, initiatorFailure(hs -> framed(new byte[0])));
    }

    @Test
    void lowOrderEphemeralKeyIsRefused() throws Exception {
        // An all-zero X25519 key is a low-order point: the shared secret would be all zeros.
        assertInstanceOf(InvalidX25519KeyException.class, initiatorFailure(hs -> framed(new byte[200])));
    }

    @Test
    void handshakeGarbageOfTheRightSizeFailsAuthentication() throws Exception {
        byte[] garbage = new byte[200];
        new Random(5).nextBytes(garbage);
        assertInstanceOf(FrameAuthenticationException.class, initiatorFailure(hs -> framed(garbage)));
    }

    @Test
    void handshakeFrameLongerThanTheData() throws Exception {
        assertInstanceOf(TruncatedFrameException.class, initiatorFailure(hs -> new byte[] {0, 100, 1, 2, 3}));
        assertInstanceOf(TruncatedFrameException.class, initiatorFailure(hs -> new byte[] {1}));
        assertInstanceOf(HandshakeException.class, initiatorFailure(hs -> new byte[0]));
    }

    @Test
    void responderRejectsMalformedFirstMessages() throws Exception {
        NoiseSecureChannel responder = channel(ED25519_OTHER.privateKey());
        record Case(byte[] wire, Class<? extends IOException> expected) {}
        List<Case> cases = List.of(
                new Case(new byte[0], HandshakeException.class),
                new Case(new byte[] {0}, TruncatedFrameException.class),
                new Case(new byte[] {0, 32, 1, 2}, TruncatedFrameException.class),
                new Case(new byte[] {0, 3, 1, 2, 3}, MalformedHandshakeException.class));
        for (Case c : cases) {
            assertThrows(c.expected(), () -> responder.secureInbound(canned(c.wire())));
        }
    }

    @Test
    void randomInputOnlyEverGivesIOExceptions() throws Exception {
        NoiseSecureChannel responder = channel(ED25519_OTHER.privateKey());
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            byte[] wire = new byte[random.nextInt(120)];
            random.nextBytes(wire);
            if (wire.length >= 2 && random.nextBoolean()) {
                wire[0] = 0;
                wire[1] = (byte) (wire.length - 2);
            }
            assertThrows(IOException.class, () -> responder.secureInbound(canned(wire)));
        }
    }

    /** Two connected in-memory ends. */
    /** A connection that delivers {@code wire} and swallows whatever is written to it. */
    private static Duplex canned(byte[] wire) {
        InputStream in = new ByteArrayInputStream(wire);
        return new Duplex() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public void closeOutput() {}

            @Override
            public void close() {}
        };
    }

    private static Duplex[] pipe() {
        MemoryPipe.Pair p = MemoryPipe.create();
        return new Duplex[] {p.a(), p.b()};
    }
}
