package org.jlibp2p.security.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.HandshakeException;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.security.InvalidSignatureException;
import org.jlibp2p.security.RecordingDuplex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class TlsSecureChannelTest {
    private static final PrivateKey ALICE = Keys.generateEd25519().privateKey();
    private static final PrivateKey BOB = Keys.generateEd25519().privateKey();
    private static final String YAMUX = "/yamux/1.0.0";
    private static final String MPLEX = "/mplex/6.7.0";

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() {
        executor.shutdownNow();
    }

    private record Sessions(TlsSession client, TlsSession server) {}

    static TlsSecureChannel channel(PrivateKey key, String... muxers) {
        return new TlsSecureChannel(new TlsConfig(key).withStreamMuxers(List.of(muxers)));
    }

    /** A channel of {@code key} presenting a certificate built from the given parts instead of a proper one. */
    static TlsSecureChannel channel(PrivateKey key, Optional<byte[]> extension, KeyPair certKey, Instant notBefore,
            Instant notAfter) {
        return new TlsSecureChannel(new TlsConfig(key), TlsCertificates.build(certKey, extension, notBefore,
                notAfter, new SecureRandom()));
    }

    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private Sessions connect(TlsSecureChannel client, TlsSecureChannel server, Duplex a, Duplex b) throws Exception {
        Future<TlsSession> inbound = executor.submit(() -> server.secureInbound(b));
        TlsSession outbound = client.secureOutbound(a, server.localPeer());
        return new Sessions(outbound, await(inbound));
    }

    private Sessions connect(TlsSecureChannel client, TlsSecureChannel server) throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        return connect(client, server, p.a(), p.b());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void handshakeBothWaysWithEveryHostKeyType(KeyType type) throws Exception {
        PrivateKey key = (type == KeyType.RSA ? Keys.generateRsa(2048) : Keys.generate(type)).privateKey();
        handshakeAndTalk(key, BOB);
        handshakeAndTalk(ALICE, key);
    }

    private void handshakeAndTalk(PrivateKey a, PrivateKey b) throws Exception {
        Sessions s = connect(channel(a), channel(b));
        assertEquals(PeerId.fromPublicKey(b.publicKey()), s.client().remotePeer());
        assertEquals(PeerId.fromPublicKey(a.publicKey()), s.server().remotePeer());
        assertEquals(b.publicKey(), s.client().remotePublicKey());
        assertEquals(a.publicKey(), s.server().remotePublicKey());
        assertEquals(s.client().localPeer(), s.server().remotePeer());
        assertEquals(Optional.empty(), s.client().negotiatedMuxer());
        assertEquals(Optional.empty(), s.server().negotiatedMuxer());
        assertEquals("TLS_AES_128_GCM_SHA256", s.client().cipherSuite());

        s.client().output().write("hello".getBytes(StandardCharsets.UTF_8));
        s.client().output().flush();
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), s.server().input().readNBytes(5));
        s.server().output().write("world!".getBytes(StandardCharsets.UTF_8));
        s.server().output().flush();
        assertArrayEquals("world!".getBytes(StandardCharsets.UTF_8), s.client().input().readNBytes(6));

        // Half-close: the client's end of stream reaches the server, which can still answer.
        s.client().closeOutput();
        assertEquals(-1, s.server().input().read());
        s.server().output().write(7);
        s.server().output().close();
        assertEquals(7, s.client().input().read());
        assertEquals(-1, s.client().input().read());
        assertThrows(IOException.class, () -> s.client().output().write(1));
    }

    @Test
    void oneChannelServesManyHandshakes() throws Exception {
        TlsSecureChannel server = channel(ALICE);
        for (int i = 0; i < 5; i++) {
            Sessions s = connect(channel(Keys.generateEd25519().privateKey()), server);
            s.client().output().write(i);
            s.client().output().flush();
            assertEquals(i, s.server().input().read());
        }
    }

    @Test
    void wrongExpectedPeerIdAbortsTheClient() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        TlsSecureChannel server = channel(BOB);
        Future<TlsSession> inbound = executor.submit(() -> server.secureInbound(p.b()));
        PeerId expected = PeerId.fromPublicKey(ALICE.publicKey());
        PeerIdMismatchException e = assertThrows(PeerIdMismatchException.class,
                () -> channel(Keys.generateEd25519().privateKey()).secureOutbound(p.a(), expected));
        assertEquals(expected, e.expected());
        assertEquals(server.localPeer(), e.actual());
        p.a().close();
        // The client aborted before sending its certificate: the server's handshake fails too.
        assertInstanceOf(TlsHandshakeException.class, assertThrows(HandshakeException.class, () -> await(inbound)));
    }

    @Test
    void serverWithoutTheExtensionIsRejected() throws Exception {
        KeyPair certKey = TlsCertificates.generateCertificateKey(new SecureRandom());
        Instant now = Instant.now();
        TlsSecureChannel server = channel(BOB, Optional.empty(), certKey, now.minusSeconds(60), now.plusSeconds(3600));
        MemoryPipe.Pair p = MemoryPipe.create();
        Future<TlsSession> inbound = executor.submit(() -> server.secureInbound(p.b()));
        InvalidCertificateException e = assertThrows(InvalidCertificateException.class,
                () -> channel(ALICE).secureOutbound(p.a()));
        assertTrue(e.getMessage().contains("no libp2p public key extension"), e.getMessage());
        p.a().close();
        assertThrows(HandshakeException.class, () -> await(inbound));
    }

    @Test
    void clientWithoutTheExtensionIsRejectedByTheServer() throws Exception {
        KeyPair certKey = TlsCertificates.generateCertificateKey(new SecureRandom());
        Instant now = Instant.now();
        TlsSecureChannel client = channel(ALICE, Optional.empty(), certKey, now.minusSeconds(60), now.plusSeconds(60));
        TlsSecureChannel server = channel(BOB);
        MemoryPipe.Pair p = MemoryPipe.create();
        Future<TlsSession> inbound = executor.submit(() -> server.secureInbound(p.b()));
        assertRefusedByTheServer(() -> client.secureOutbound(p.a(), server.localPeer()));
        InvalidCertificateException e = assertThrows(InvalidCertificateException.class, () -> await(inbound));
        assertTrue(e.getMessage().contains("no libp2p public key extension"), e.getMessage());
    }

    /**
     * A TLS 1.3 client is done with its handshake before the server has checked its certificate: the server's alert
     * ends its first read. Or, when the server closed the connection before the client's last message went out, the
     * handshake itself fails.
     */
    private static void assertRefusedByTheServer(java.util.concurrent.Callable<TlsSession> handshake) {
        TlsSession session;
        try {
            session = handshake.call();
        } catch (Exception e) {
            assertInstanceOf(TlsHandshakeException.class, e);
            return;
        }
        TlsException alert = assertThrows(TlsException.class, () -> session.input().read());
        assertTrue(alert.getMessage().contains("certificate"), alert.getMessage());
        assertThrows(TlsException.class, () -> session.input().read()); // and every later read
    }

    @Test
    void extensionSignedByAnotherKeyIsABadSignature() throws Exception {
        KeyPair certKey = TlsCertificates.generateCertificateKey(new SecureRandom());
        KeyPair otherKey = TlsCertificates.generateCertificateKey(new SecureRandom());
        // BOB's key and signature, but over another certificate key than the one in the certificate.
        byte[] extension = TlsCertificates.signedKey(BOB, otherKey.getPublic().getEncoded());
        Instant now = Instant.now();
        TlsSecureChannel server = channel(BOB, Optional.of(extension), certKey, now.minusSeconds(60),
                now.plusSeconds(3600));
        MemoryPipe.Pair p = MemoryPipe.create();
        Future<TlsSession> inbound = executor.submit(() -> server.secureInbound(p.b()));
        assertThrows(InvalidSignatureException.class, () -> channel(ALICE).secureOutbound(p.a()));
        p.a().close();
        assertThrows(HandshakeException.class, () -> await(inbound));

        // The same forgery presented by a client is caught by the server.
        TlsSecureChannel client = channel(ALICE, Optional.of(TlsCertificates.signedKey(ALICE,
                otherKey.getPublic().getEncoded())), certKey, now.minusSeconds(60), now.plusSeconds(3600));
        MemoryPipe.Pair q = MemoryPipe.create();
        TlsSecureChannel honest = channel(BOB);
        Future<TlsSession> inbound2 = executor.submit(() -> honest.secureInbound(q.b()));
        assertRefusedByTheServer(() -> client.secureOutbound(q.a()));
        assertThrows(InvalidSignatureException.class, () -> await(inbound2));
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRejected() throws Exception {
        KeyPair certKey = TlsCertificates.generateCertificateKey(new SecureRandom());
        byte[] extension = TlsCertificates.signedKey(BOB, certKey.getPublic().getEncoded());
        Instant now = Instant.now();
        for (Instant[] validity : new Instant[][] {
            {now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))},
            {now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2))}
        }) {
            TlsSecureChannel server = channel(BOB, Optional.of(extension), certKey, validity[0], validity[1]);
            MemoryPipe.Pair p = MemoryPipe.create();
            Future<TlsSession> inbound = executor.submit(() -> server.secureInbound(p.b()));
            assertThrows(CertificateValidityException.class, () -> channel(ALICE).secureOutbound(p.a()));
            p.a().close();
            assertThrows(HandshakeException.class, () -> await(inbound));
        }
    }

    @Test
    void garbageInsteadOfAClientHelloFailsTypedAndReadsLittle() throws Exception {
        byte[][] inputs = {
            "GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            randomBytes(1 << 20, 7),
            // A handshake record header claiming the largest length, then filler.
            concat(new byte[] {0x16, 0x03, 0x01, (byte) 0xFF, (byte) 0xFF}, new byte[1 << 20]),
            // A well-formed record header with a body that is no ClientHello.
            concat(new byte[] {0x16, 0x03, 0x01, 0x00, 0x10}, randomBytes(16, 8)),
        };
        for (byte[] garbage : inputs) {
            MemoryPipe.Pair p = MemoryPipe.create(1 << 21);
            CountingDuplex server = new CountingDuplex(p.b());
            Future<TlsSession> inbound = executor.submit(() -> channel(BOB).secureInbound(server));
            p.a().output().write(garbage);
            p.a().output().flush();
            assertInstanceOf(TlsHandshakeException.class, assertThrows(HandshakeException.class,
                    () -> await(inbound)));
            // The server gave up after at most one record's worth of input.
            assertTrue(server.read() <= 5 + 16384 + 2048, "the server read " + server.read() + " bytes");
        }
    }

    @Test
    void clientGivenGarbageInsteadOfAServerHelloFailsTyped() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        Future<?> peer = executor.submit(() -> {
            p.b().input().readNBytes(5); // the start of the ClientHello
            p.b().output().write(randomBytes(4096, 9));
            p.b().output().flush();
            return null;
        });
        assertThrows(TlsHandshakeException.class, () -> channel(ALICE).secureOutbound(p.a()));
        await(peer);
    }

    @Test
    void remoteClosingDuringTheHandshakeFailsTyped() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        Future<TlsSession> inbound = executor.submit(() -> channel(BOB).secureInbound(p.b()));
        p.a().close();
        TlsHandshakeException e = assertInstanceOf(TlsHandshakeException.class,
                assertThrows(HandshakeException.class, () -> await(inbound)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void largeTransferBothWaysAtOnce() throws Exception {
        Sessions s = connect(channel(ALICE), channel(BOB));
        int size = 24 << 20;
        Future<byte[]> up = executor.submit(() -> pump(s.client().output(), size, 1));
        Future<byte[]> down = executor.submit(() -> pump(s.server().output(), size, 2));
        Future<byte[]> atServer = executor.submit(() -> drain(s.server().input(), size));
        byte[] atClient = drain(s.client().input(), size);
        assertArrayEquals(await(down), atClient);
        assertArrayEquals(await(up), await(atServer));
        s.client().closeOutput();
        s.server().closeOutput();
        assertEquals(-1, s.server().input().read());
        assertEquals(-1, s.client().input().read());
    }

    @Test
    void idleSessionsGiveTheirBuffersBack() throws Exception {
        TlsSecureChannel client = channel(ALICE);
        TlsSecureChannel server = channel(BOB);
        Sessions s = connect(client, server);
        Future<byte[]> up = executor.submit(() -> pump(s.client().output(), 3 << 20, 3));
        byte[] received = drain(s.server().input(), 3 << 20);
        assertArrayEquals(await(up), received);
        // Everything sent and read: the output gave its buffer back at the flush, the input once drained.
        assertEquals(1, client.buffers().write().pooled());
        assertEquals(1, server.buffers().read().pooled());
        // A small exchange afterwards goes through the scratch arrays and leaves the pools as they were.
        s.client().output().write(new byte[100]);
        s.client().output().flush();
        assertEquals(100, s.server().input().readNBytes(100).length);
        assertEquals(1, client.buffers().write().pooled());
        assertEquals(1, server.buffers().read().pooled());
        assertEquals(1, server.buffers().plain().pooled());
    }

    @Test
    void smallWritesAreSealedIntoOneRecordAtFlush() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        RecordingDuplex recording = new RecordingDuplex(p.a());
        Sessions s = connect(channel(ALICE), channel(BOB), recording, p.b());
        int writes = recording.writes();
        long bytes = recording.bytesWritten();
        for (int i = 0; i < 1000; i++) {
            s.client().output().write(i);
        }
        s.client().output().write(new byte[5000]);
        s.client().output().flush();
        assertEquals(writes + 1, recording.writes());
        // One record: a 5-byte header, the plaintext, its content type byte, the 16-byte tag, maybe some padding.
        long record = recording.bytesWritten() - bytes;
        assertTrue(record >= 5 + 6000 + 1 + 16 && record <= 5 + 6000 + 1 + 16 + 256, "record of " + record);
        byte[] got = s.server().input().readNBytes(6000);
        for (int i = 0; i < 1000; i++) {
            assertEquals((byte) i, got[i]);
        }
    }

    @Test
    void aCorruptedRecordClosesTheSession() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        RecordingDuplex recording = new RecordingDuplex(p.a());
        Sessions s = connect(channel(ALICE), channel(BOB), recording, p.b());
        recording.corruptNextWrite();
        s.client().output().write("tampered".getBytes(StandardCharsets.UTF_8));
        s.client().output().flush();
        assertThrows(TlsException.class, () -> s.server().input().read());
        assertThrows(TlsException.class, () -> s.server().input().read());
        assertThrows(IOException.class, () -> {
            s.server().output().write(1);
            s.server().output().flush();
        });
    }

    @Test
    void connectionEndingInsideARecordFailsTheRead() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        MemoryPipe.Pair q = MemoryPipe.create();
        // The server's session reads from q.b(); the test forwards the client's bytes there, cut short.
        Future<TlsSession> inbound = executor.submit(() -> channel(BOB).secureInbound(new Spliced(q.b(), p.b())));
        Future<?> forward = executor.submit(() -> {
            p.b().input().transferTo(new Flushing(q.a().output()));
            return null;
        });
        TlsSession client = channel(ALICE).secureOutbound(new Spliced(p.a(), p.a()));
        TlsSession server = await(inbound);
        client.output().write(new byte[100]);
        client.output().flush();
        assertEquals(100, server.input().readNBytes(100).length);
        forward.cancel(true);
        q.a().output().write(new byte[] {0x17, 0x03, 0x03, 0x00, 0x40, 1, 2, 3}); // a record header and 3 of 64 bytes
        q.a().closeOutput();
        TlsException e = assertThrows(TlsException.class, () -> server.input().read());
        assertTrue(e.getMessage().contains("inside a TLS record"), e.getMessage());
    }

    @Test
    void keyUpdatesKeepTheSessionGoing() throws Exception {
        Sessions s = connect(channel(ALICE), channel(BOB));
        for (int round = 0; round < 3; round++) {
            s.client().updateKeys(round % 2 == 0); // asking the server to update its key too, every other time
            s.client().output().write(round);
            s.client().output().flush();
            assertEquals(round, s.server().input().read());
            s.server().output().write(100 + round);
            s.server().output().flush();
            assertEquals(100 + round, s.client().input().read());
        }
        s.server().updateKeys(true);
        Future<?> sent = executor.submit(() -> {
            s.server().output().write(new byte[200_000]); // more than the pipe holds: written while read
            s.server().output().flush();
            return null;
        });
        assertEquals(200_000, s.client().input().readNBytes(200_000).length);
        await(sent);
        s.client().output().write(9);
        s.client().output().flush();
        assertEquals(9, s.server().input().read());
    }

    @Test
    void aPlaintextRecordAfterTheHandshakeClosesTheSession() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        MemoryPipe.Pair q = MemoryPipe.create();
        Future<TlsSession> inbound = executor.submit(() -> channel(BOB).secureInbound(new Spliced(q.b(), p.b())));
        Future<?> forward = executor.submit(() -> {
            p.b().input().transferTo(new Flushing(q.a().output()));
            return null;
        });
        TlsSession client = channel(ALICE).secureOutbound(p.a());
        TlsSession server = await(inbound);
        client.output().write(1);
        client.output().flush();
        assertEquals(1, server.input().read());
        forward.cancel(true);
        q.a().output().write(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}); // an unencrypted fatal alert
        q.a().output().flush();
        TlsException e = assertThrows(TlsException.class, () -> server.input().read());
        assertTrue(e.getMessage().contains("type 21"), e.getMessage());
    }

    @Test
    void earlyMuxerNegotiationFollowsTheClientsPreference() throws Exception {
        Sessions s = connect(channel(ALICE, YAMUX, MPLEX), channel(BOB, MPLEX, YAMUX));
        assertEquals(Optional.of(YAMUX), s.client().negotiatedMuxer());
        assertEquals(Optional.of(YAMUX), s.server().negotiatedMuxer());

        s = connect(channel(ALICE, YAMUX, MPLEX), channel(BOB, MPLEX));
        assertEquals(Optional.of(MPLEX), s.client().negotiatedMuxer());
        assertEquals(Optional.of(MPLEX), s.server().negotiatedMuxer());
    }

    @Test
    void noEarlyMuxerWithoutACommonOneOrWithoutAnOffer() throws Exception {
        for (Sessions s : List.of(connect(channel(ALICE, YAMUX), channel(BOB)),
                connect(channel(ALICE), channel(BOB, YAMUX)),
                connect(channel(ALICE, YAMUX), channel(BOB, MPLEX)))) {
            assertEquals(Optional.empty(), s.client().negotiatedMuxer());
            assertEquals(Optional.empty(), s.server().negotiatedMuxer());
            s.client().output().write(42);
            s.client().output().flush();
            assertEquals(42, s.server().input().read());
        }
    }

    /** A plain TLS client (BouncyCastle's) offering what the test says, trusting any certificate. */
    private static org.bouncycastle.tls.DefaultTlsClient plainClient(org.bouncycastle.tls.ProtocolVersion[] versions,
            String... alpn) {
        return new org.bouncycastle.tls.DefaultTlsClient(
                new org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto(new SecureRandom())) {
            @Override
            protected org.bouncycastle.tls.ProtocolVersion[] getSupportedVersions() {
                return versions;
            }

            @Override
            protected java.util.Vector<org.bouncycastle.tls.ProtocolName> getProtocolNames() {
                java.util.Vector<org.bouncycastle.tls.ProtocolName> names = new java.util.Vector<>();
                for (String p : alpn) {
                    names.add(org.bouncycastle.tls.ProtocolName.asUtf8Encoding(p));
                }
                return names;
            }

            @Override
            public org.bouncycastle.tls.TlsAuthentication getAuthentication() {
                return new org.bouncycastle.tls.TlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(org.bouncycastle.tls.TlsServerCertificate c) {}

                    @Override
                    public org.bouncycastle.tls.TlsCredentials getClientCredentials(
                            org.bouncycastle.tls.CertificateRequest r) {
                        return null;
                    }
                };
            }
        };
    }

    private void assertServerRefuses(org.bouncycastle.tls.DefaultTlsClient client, short alert, String reason)
            throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        Future<TlsSession> inbound = executor.submit(() -> channel(BOB, YAMUX).secureInbound(p.b()));
        org.bouncycastle.tls.TlsFatalAlertReceived received = assertThrows(
                org.bouncycastle.tls.TlsFatalAlertReceived.class,
                () -> new org.bouncycastle.tls.TlsClientProtocol(p.a().input(), p.a().output()).connect(client));
        assertEquals(alert, received.getAlertDescription());
        TlsHandshakeException e = assertInstanceOf(TlsHandshakeException.class,
                assertThrows(HandshakeException.class, () -> await(inbound)));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void aClientOfferingOnlyUnknownApplicationProtocolsIsRefused() throws Exception {
        assertServerRefuses(plainClient(org.bouncycastle.tls.ProtocolVersion.TLSv13.only(), "/spdy/3.1.0"),
                org.bouncycastle.tls.AlertDescription.no_application_protocol, "no_application_protocol");
    }

    @Test
    void tls12IsRefused() throws Exception {
        assertServerRefuses(plainClient(org.bouncycastle.tls.ProtocolVersion.TLSv12.only(), "libp2p"),
                org.bouncycastle.tls.AlertDescription.protocol_version, "protocol_version");
    }

    /** The client's handshake completes before the server has seen it has no certificate; the alert follows. */
    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create();
        Future<TlsSession> inbound = executor.submit(() -> channel(BOB).secureInbound(p.b()));
        org.bouncycastle.tls.TlsClientProtocol client = new org.bouncycastle.tls.TlsClientProtocol(p.a().input(),
                p.a().output());
        // The client's last handshake flight and the server's refusal cross: the client may see the alert when it
        // reads, or its own last write may find the connection already closed.
        IOException clientSaw;
        try {
            client.connect(plainClient(org.bouncycastle.tls.ProtocolVersion.TLSv13.only(), "libp2p"));
            clientSaw = assertThrows(IOException.class, () -> client.getInputStream().read());
        } catch (IOException refusedDuringConnect) {
            clientSaw = refusedDuringConnect;
        }
        InvalidCertificateException e = assertThrows(InvalidCertificateException.class, () -> await(inbound));
        assertTrue(e.getMessage().contains("no certificate"), e.getMessage());
        if (clientSaw instanceof org.bouncycastle.tls.TlsFatalAlertReceived received) {
            assertEquals(org.bouncycastle.tls.AlertDescription.certificate_required, received.getAlertDescription());
        } else {
            assertTrue(String.valueOf(clientSaw.getMessage()).contains("closed"), String.valueOf(clientSaw));
        }
    }

    @Test
    void configRejectsLibp2pAsAMuxer() {
        assertThrows(IllegalArgumentException.class, () -> channel(ALICE, "libp2p"));
        assertThrows(IllegalArgumentException.class, () -> channel(ALICE, ""));
    }

    private static byte[] pump(OutputStream out, int size, long seed) throws IOException {
        MessageDigest digest = sha256();
        Random random = new Random(seed);
        byte[] buf = new byte[50_000]; // not a multiple of a record: sealing goes through the buffer too
        for (int left = size; left > 0; ) {
            int n = Math.min(left, buf.length);
            random.nextBytes(buf);
            out.write(buf, 0, n);
            digest.update(buf, 0, n);
            left -= n;
        }
        out.flush();
        return digest.digest();
    }

    private static byte[] drain(InputStream in, int size) throws IOException {
        MessageDigest digest = sha256();
        byte[] buf = new byte[40_000];
        int total = 0;
        while (total < size) {
            int n = in.read(buf, 0, Math.min(buf.length, size - total));
            if (n < 0) {
                throw new IOException("end of stream after " + total + " of " + size + " bytes");
            }
            digest.update(buf, 0, n);
            total += n;
        }
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Counts the bytes read from a duplex. */
    private static final class CountingDuplex implements Duplex {
        private final Duplex inner;
        private final java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        private final InputStream input;

        CountingDuplex(Duplex inner) {
            this.inner = inner;
            this.input = new java.io.FilterInputStream(inner.input()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        read.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        read.addAndGet(n);
                    }
                    return n;
                }
            };
        }

        long read() {
            return read.get();
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return inner.output();
        }

        @Override
        public void closeOutput() throws IOException {
            inner.closeOutput();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    /** Reads from one duplex and writes to another. */
    private record Spliced(Duplex in, Duplex out) implements Duplex {
        @Override
        public InputStream input() {
            return in.input();
        }

        @Override
        public OutputStream output() {
            return out.output();
        }

        @Override
        public void closeOutput() throws IOException {
            out.closeOutput();
        }

        @Override
        public void close() throws IOException {
            in.close();
            out.close();
        }
    }

    /** Forwards writes and flushes each one. */
    private static final class Flushing extends OutputStream {
        private final OutputStream out;

        Flushing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            out.flush();
        }
    }
}
