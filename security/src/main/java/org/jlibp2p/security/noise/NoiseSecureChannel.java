package org.jlibp2p.security.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.noise.NoiseProtos.NoiseExtensions;
import org.jlibp2p.proto.noise.NoiseProtos.NoiseHandshakePayload;
import org.jlibp2p.core.security.HandshakeException;
import org.jlibp2p.security.InvalidSignatureException;
import org.jlibp2p.security.MalformedHandshakeException;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.security.SecureChannel;

/**
 * The libp2p Noise secure channel ({@value #PROTOCOL_ID}, libp2p/specs noise/README.md):
 * Noise_XX_25519_ChaChaPoly_SHA256 with an empty prologue, every message framed by a 2-byte big-endian length.
 *
 * <pre>
 * -&gt; e
 * &lt;- e, ee, s, es, payload(responder identity, signature, stream muxers)
 * -&gt; s, se, payload(initiator identity, signature, stream muxers)
 * </pre>
 *
 * Each payload carries the sender's identity key and its signature over {@code "noise-libp2p-static-key:"} followed
 * by the sender's Noise static key, binding the two. One Noise static key serves every handshake of this instance,
 * and the sessions it makes share its buffer pools, which no other instance uses: give each node its own channel.
 *
 * <p>Early muxer negotiation (libp2p/specs connections/inlined-muxer-negotiation.md): each side lists its muxers in
 * its payload and the muxer is the first of the initiator's list the responder also supports. When either list is
 * empty or they share nothing, {@link NoiseSession#negotiatedMuxer()} is empty and the muxer is negotiated with
 * multistream-select afterwards (which then fails if there truly is no common muxer).
 *
 * <p>Thread-safe: handshakes may run concurrently.
 */
public final class NoiseSecureChannel implements SecureChannel {
    /** The multistream-select protocol id. */
    public static final String PROTOCOL_ID = "/noise";

    static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

    private static final System.Logger LOG = System.getLogger(NoiseSecureChannel.class.getName());

    /**
     * The ChaCha20-Poly1305 implementation Noise sessions of this JVM use, e.g. {@code "JDK"} or
     * {@code "Conscrypt (BoringSSL)"}: chosen by measurement at start, or by {@code -Djlibp2p.noise.cipher=jdk|conscrypt}.
     */
    public static String cipherImplementation() {
        return ChaChaPolyProvider.choice().name();
    }
    private static final byte[] EMPTY = new byte[0];

    private final NoiseConfig config;
    private final PeerId localPeer;
    private final X25519KeyPair staticKey;
    private final ByteString identityKey;
    private final ByteString identitySignature;
    private final NoiseBuffers buffers = NoiseBuffers.create();

    public NoiseSecureChannel(NoiseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.localPeer = PeerId.fromPublicKey(config.identity().publicKey());
        this.staticKey = X25519KeyPair.generate(config.random());
        this.identityKey = ByteString.copyFrom(config.identity().publicKey().marshal());
        this.identitySignature = ByteString.copyFrom(config.identity().sign(signedData(staticKey.publicKey())));
        // Choose (and log) the cipher now, when the node is assembled, rather than inside its first handshake.
        ChaChaPolyProvider.choice();
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /** This side's peer id. */
    public PeerId localPeer() {
        return localPeer;
    }

    /** The buffer pools of this channel's sessions. */
    NoiseBuffers buffers() {
        return buffers;
    }

    /**
     * Runs the handshake as initiator.
     *
     * @throws PeerIdMismatchException if the remote proves another identity than {@code expectedRemote}
     * @throws InvalidSignatureException if the remote's identity signature does not verify
     * @throws MalformedHandshakeException if a handshake message or payload is malformed
     * @throws FrameAuthenticationException if a handshake message fails authentication
     * @throws TruncatedFrameException if the connection ends inside a message
     * @throws HandshakeException if the connection ends between messages
     */
    @Override
    public NoiseSession secureOutbound(Duplex connection, PeerId expectedRemote) throws IOException {
        return handshake(connection, true, Optional.of(expectedRemote));
    }

    @Override
    public NoiseSession secureOutbound(Duplex connection) throws IOException {
        return handshake(connection, true, Optional.empty());
    }

    /** Runs the handshake as responder; throws as {@link #secureOutbound(Duplex, PeerId)} does. */
    @Override
    public NoiseSession secureInbound(Duplex connection) throws IOException {
        return handshake(connection, false, Optional.empty());
    }

    private NoiseSession handshake(Duplex connection, boolean initiator, Optional<PeerId> expected)
            throws IOException {
        Objects.requireNonNull(connection, "connection");
        InputStream in = connection.input();
        OutputStream out = connection.output();
        HandshakeState hs = new HandshakeState(initiator, EMPTY, staticKey,
                () -> X25519KeyPair.generate(config.random()));
        Remote remote;
        List<String> initiatorMuxers;
        List<String> responderMuxers;
        try {
            if (initiator) {
                writeFrame(out, hs.writeMessage(EMPTY));
                byte[] message = readFrame(in);
                byte[] payload = hs.readMessage(message, 0, message.length);
                remote = verify(payload, hs.remoteStaticKey());
                if (expected.isPresent() && !expected.get().equals(remote.peer())) {
                    throw new PeerIdMismatchException(expected.get(), remote.peer());
                }
                writeFrame(out, hs.writeMessage(localPayload()));
                initiatorMuxers = config.streamMuxers();
                responderMuxers = remote.muxers();
            } else {
                byte[] first = readFrame(in);
                hs.readMessage(first, 0, first.length); // the initiator's first payload carries nothing
                writeFrame(out, hs.writeMessage(localPayload()));
                byte[] message = readFrame(in);
                byte[] payload = hs.readMessage(message, 0, message.length);
                remote = verify(payload, hs.remoteStaticKey());
                initiatorMuxers = remote.muxers();
                responderMuxers = config.streamMuxers();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Noise handshake as {0} failed: {1}",
                    initiator ? "initiator" : "responder", e.toString());
            throw e;
        }
        Optional<String> muxer = initiatorMuxers.stream().filter(responderMuxers::contains).findFirst();
        CipherState[] ciphers = hs.split();
        LOG.log(System.Logger.Level.DEBUG, "Noise handshake as {0} with {1} done, muxer {2}",
                initiator ? "initiator" : "responder", remote.peer(), muxer.orElse("to negotiate"));
        return new NoiseSession(connection, localPeer, remote.peer(), remote.key(), muxer, ciphers[0], ciphers[1],
                buffers);
    }

    private record Remote(PeerId peer, PublicKey key, List<String> muxers) {}

    private byte[] localPayload() {
        NoiseHandshakePayload.Builder payload = NoiseHandshakePayload.newBuilder()
                .setIdentityKey(identityKey)
                .setIdentitySig(identitySignature);
        if (!config.streamMuxers().isEmpty()) {
            payload.setExtensions(NoiseExtensions.newBuilder().addAllStreamMuxers(config.streamMuxers()));
        }
        return payload.build().toByteArray();
    }

    /** Checks that {@code payload} proves an identity owning the Noise static key {@code remoteStatic}. */
    static Remote verify(byte[] payload, byte[] remoteStatic) throws IOException {
        NoiseHandshakePayload parsed;
        try {
            parsed = NoiseHandshakePayload.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedHandshakeException("the Noise handshake payload is not a NoiseHandshakePayload", e);
        }
        if (!parsed.hasIdentityKey() || !parsed.hasIdentitySig()) {
            throw new MalformedHandshakeException("the Noise handshake payload lacks the identity key or signature");
        }
        PublicKey key;
        try {
            key = Keys.unmarshalPublicKey(parsed.getIdentityKey().toByteArray());
        } catch (KeyFormatException e) {
            throw new MalformedHandshakeException("the identity key in the Noise handshake payload is invalid: "
                    + e.getMessage(), e);
        }
        PeerId peer = PeerId.fromPublicKey(key);
        if (!key.verify(signedData(remoteStatic), parsed.getIdentitySig().toByteArray())) {
            throw new InvalidSignatureException("the identity signature of " + peer
                    + " over its Noise static key does not verify");
        }
        List<String> muxers = parsed.hasExtensions() ? List.copyOf(parsed.getExtensions().getStreamMuxersList())
                : List.of();
        return new Remote(peer, key, muxers);
    }

    static byte[] signedData(byte[] staticPublicKey) {
        byte[] data = new byte[SIGNATURE_PREFIX.length + staticPublicKey.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, data, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(staticPublicKey, 0, data, SIGNATURE_PREFIX.length, staticPublicKey.length);
        return data;
    }

    /** Writes one handshake message with its 2-byte length prefix, in one write, and flushes. */
    static void writeFrame(OutputStream out, byte[] message) throws IOException {
        byte[] frame = new byte[2 + message.length];
        frame[0] = (byte) (message.length >>> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        out.write(frame);
        out.flush();
    }

    /** Reads one handshake message into an array of its size. */
    static byte[] readFrame(InputStream in) throws IOException {
        int length = readLength(in);
        byte[] message = new byte[length];
        int n = in.readNBytes(message, 0, length);
        if (n < length) {
            throw new TruncatedFrameException(length, n);
        }
        return message;
    }

    /** Reads one handshake message into {@code buf} (65535 bytes) and returns its length. */
    static int readFrame(InputStream in, byte[] buf) throws IOException {
        int length = readLength(in);
        int n = in.readNBytes(buf, 0, length);
        if (n < length) {
            throw new TruncatedFrameException(length, n);
        }
        return length;
    }

    private static int readLength(InputStream in) throws IOException {
        byte[] prefix = new byte[2];
        int got = in.readNBytes(prefix, 0, 2);
        if (got == 0) {
            throw new HandshakeException("the remote closed the connection during the Noise handshake");
        }
        if (got < 2) {
            throw new TruncatedFrameException(2, got);
        }
        return (prefix[0] & 0xFF) << 8 | (prefix[1] & 0xFF);
    }
}
