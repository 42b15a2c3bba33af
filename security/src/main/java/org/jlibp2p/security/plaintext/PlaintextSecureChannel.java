package org.jlibp2p.security.plaintext;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.plaintext.PlaintextProtos.Exchange;
import org.jlibp2p.core.security.HandshakeException;
import org.jlibp2p.security.MalformedHandshakeException;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.security.SecureSession;

/**
 * The insecure {@value #PROTOCOL_ID} channel (libp2p/specs plaintext/plaintext.md), for tests and trusted links:
 * each side sends an {@code Exchange} with its peer id and public key, varint-length-prefixed, and checks that the
 * remote's peer id matches its key. Nothing is encrypted and nothing proves key ownership.
 */
public final class PlaintextSecureChannel implements SecureChannel {
    /** The multistream-select protocol id. */
    public static final String PROTOCOL_ID = "/plaintext/2.0.0";
    /** The largest Exchange accepted: room for an RSA key of 8192 bits and more. */
    public static final int MAX_EXCHANGE_LENGTH = 16 * 1024;

    private static final System.Logger LOG = System.getLogger(PlaintextSecureChannel.class.getName());

    private final PeerId localPeer;
    private final byte[] exchange;

    public PlaintextSecureChannel(PrivateKey identity) {
        PublicKey publicKey = identity.publicKey();
        this.localPeer = PeerId.fromPublicKey(publicKey);
        this.exchange = Exchange.newBuilder()
                .setId(ByteString.copyFrom(localPeer.bytes()))
                .setPubkey(ByteString.copyFrom(publicKey.marshal()))
                .build()
                .toByteArray();
    }

    /** Plaintext proves nothing: the remote's key is taken on its word. */
    @Override
    public boolean authenticates() {
        return false;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * @throws PeerIdMismatchException if the remote's key is not that of {@code expectedRemote}, or not that of the
     *     peer id it announced
     * @throws MalformedHandshakeException if the exchange is malformed
     * @throws org.jlibp2p.core.FormatException if its length prefix is malformed, too large or truncated
     * @throws HandshakeException if the connection ends before the exchange
     */
    @Override
    public SecureSession secureOutbound(Duplex connection, PeerId expectedRemote) throws IOException {
        return handshake(connection, Optional.of(expectedRemote));
    }

    @Override
    public SecureSession secureOutbound(Duplex connection) throws IOException {
        return handshake(connection, Optional.empty());
    }

    @Override
    public SecureSession secureInbound(Duplex connection) throws IOException {
        return handshake(connection, Optional.empty());
    }

    private SecureSession handshake(Duplex connection, Optional<PeerId> expected) throws IOException {
        OutputStream out = connection.output();
        LengthPrefixed.write(out, exchange);
        out.flush();
        byte[] bytes;
        try {
            bytes = LengthPrefixed.read(connection.input(), MAX_EXCHANGE_LENGTH);
        } catch (java.io.EOFException e) {
            throw new HandshakeException("the remote closed the connection before the plaintext exchange", e);
        }
        Exchange remote;
        try {
            remote = Exchange.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedHandshakeException("the plaintext exchange is not an Exchange message", e);
        }
        if (!remote.hasId() || !remote.hasPubkey()) {
            throw new MalformedHandshakeException("the plaintext exchange lacks the peer id or the public key");
        }
        PublicKey key;
        PeerId announced;
        try {
            key = Keys.unmarshalPublicKey(remote.getPubkey().toByteArray());
        } catch (KeyFormatException e) {
            throw new MalformedHandshakeException("the public key of the plaintext exchange is invalid: "
                    + e.getMessage(), e);
        }
        announced = parsePeerId(remote.getId().toByteArray());
        PeerId actual = PeerId.fromPublicKey(key);
        if (!actual.equals(announced)) {
            LOG.log(System.Logger.Level.DEBUG, "plaintext exchange: peer id {0} does not match its key", announced);
            throw new PeerIdMismatchException(announced, actual);
        }
        if (expected.isPresent() && !expected.get().equals(actual)) {
            LOG.log(System.Logger.Level.DEBUG, "plaintext exchange: expected {0}, got {1}", expected.get(), actual);
            throw new PeerIdMismatchException(expected.get(), actual);
        }
        LOG.log(System.Logger.Level.DEBUG, "plaintext exchange with {0} done", actual);
        return new PlaintextSession(connection, localPeer, actual, key);
    }

    private static PeerId parsePeerId(byte[] bytes) throws MalformedHandshakeException {
        try {
            return PeerId.fromBytes(bytes);
        } catch (org.jlibp2p.core.FormatException e) {
            throw new MalformedHandshakeException("the peer id of the plaintext exchange is invalid: "
                    + e.getMessage(), e);
        }
    }

    /** The connection itself, with the remote identity attached. */
    private record PlaintextSession(Duplex connection, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey)
            implements SecureSession {
        @Override
        public InputStream input() {
            return connection.input();
        }

        @Override
        public OutputStream output() {
            return connection.output();
        }

        @Override
        public void closeOutput() throws IOException {
            connection.closeOutput();
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }
}
