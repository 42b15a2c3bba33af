package org.jlibp2p.security.noise;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.jlibp2p.security.MalformedHandshakeException;

/**
 * The Noise HandshakeState (Noise spec rev 34, section 5.3) for {@value #PROTOCOL_NAME}:
 *
 * <pre>
 * XX:
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * Not thread-safe; one handshake, then {@link #split()}.
 */
final class HandshakeState {
    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    /** The largest Noise message. */
    static final int MAX_MESSAGE_LENGTH = 65535;

    private enum Token { E, S, EE, ES, SE }

    private static final Token[][] XX = {
        {Token.E},
        {Token.E, Token.EE, Token.S, Token.ES},
        {Token.S, Token.SE},
    };

    private final boolean initiator;
    private final SymmetricState symmetric;
    private final X25519KeyPair s;
    private final Supplier<X25519KeyPair> ephemeralSource;
    private X25519KeyPair e;
    private byte[] re;
    private byte[] rs;
    private int message;

    /**
     * @param initiator whether this side sends the first message
     * @param prologue data both sides must agree on, mixed into the handshake hash
     * @param s the local static key
     * @param ephemeralSource makes the local ephemeral key, once
     */
    HandshakeState(boolean initiator, byte[] prologue, X25519KeyPair s, Supplier<X25519KeyPair> ephemeralSource) {
        this.initiator = initiator;
        this.s = Objects.requireNonNull(s, "s");
        this.ephemeralSource = Objects.requireNonNull(ephemeralSource, "ephemeralSource");
        this.symmetric = new SymmetricState(PROTOCOL_NAME);
        symmetric.mixHash(prologue);
    }

    boolean isInitiator() {
        return initiator;
    }

    /** Whether it is this side's turn to write. */
    boolean isMyTurn() {
        return (message % 2 == 0) == initiator;
    }

    boolean isComplete() {
        return message == XX.length;
    }

    /** The remote static key, once received; a copy. */
    byte[] remoteStaticKey() {
        if (rs == null) {
            throw new IllegalStateException("the remote static key has not been received yet");
        }
        return rs.clone();
    }

    /** The local static public key. */
    byte[] localStaticKey() {
        return s.publicKey();
    }

    byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** Writes the next handshake message, carrying {@code payload}. */
    byte[] writeMessage(byte[] payload) throws InvalidX25519KeyException, NonceExhaustedException {
        if (isComplete() || !isMyTurn()) {
            throw new IllegalStateException("not this side's turn to write (message " + message + ")");
        }
        // At most an ephemeral key, an encrypted static key and the encrypted payload: sized to that, not 64 KiB.
        byte[] out = new byte[Math.min(MAX_MESSAGE_LENGTH,
                X25519KeyPair.KEY_LENGTH * 2 + CipherState.TAG_LENGTH * 2 + payload.length)];
        int pos = 0;
        for (Token token : XX[message]) {
            switch (token) {
                case E -> {
                    e = ephemeralSource.get();
                    byte[] pub = e.publicKey();
                    System.arraycopy(pub, 0, out, pos, pub.length);
                    pos += pub.length;
                    symmetric.mixHash(pub);
                }
                case S -> pos = put(symmetric.encryptAndHash(s.publicKey()), out, pos);
                case EE -> symmetric.mixKey(e.agree(re));
                case ES -> symmetric.mixKey(initiator ? e.agree(rs) : s.agree(re));
                case SE -> symmetric.mixKey(initiator ? s.agree(re) : e.agree(rs));
            }
        }
        int overhead = symmetric.hasKey() ? CipherState.TAG_LENGTH : 0;
        if (pos + payload.length + overhead > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("a payload of " + payload.length
                    + " bytes does not fit in a Noise message");
        }
        pos = put(symmetric.encryptAndHash(payload), out, pos);
        message++;
        return Arrays.copyOf(out, pos);
    }

    /**
     * Reads the next handshake message from {@code len} bytes of {@code in} at {@code off}; returns its payload.
     *
     * @throws MalformedHandshakeException if the message is too short for its keys
     * @throws FrameAuthenticationException if the static key or payload fails authentication
     * @throws InvalidX25519KeyException if a remote key is a low-order point
     */
    byte[] readMessage(byte[] in, int off, int len)
            throws MalformedHandshakeException, FrameAuthenticationException, InvalidX25519KeyException,
                    NonceExhaustedException {
        if (isComplete() || isMyTurn()) {
            throw new IllegalStateException("not this side's turn to read (message " + message + ")");
        }
        int pos = off;
        int end = off + len;
        for (Token token : XX[message]) {
            switch (token) {
                case E -> {
                    need(end - pos, X25519KeyPair.KEY_LENGTH, "ephemeral key");
                    re = Arrays.copyOfRange(in, pos, pos + X25519KeyPair.KEY_LENGTH);
                    pos += X25519KeyPair.KEY_LENGTH;
                    symmetric.mixHash(re);
                }
                case S -> {
                    int n = X25519KeyPair.KEY_LENGTH + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
                    need(end - pos, n, "static key");
                    rs = symmetric.decryptAndHash(in, pos, n);
                    pos += n;
                }
                case EE -> symmetric.mixKey(e.agree(re));
                case ES -> symmetric.mixKey(initiator ? e.agree(rs) : s.agree(re));
                case SE -> symmetric.mixKey(initiator ? s.agree(re) : e.agree(rs));
            }
        }
        if (symmetric.hasKey()) {
            need(end - pos, CipherState.TAG_LENGTH, "payload tag");
        }
        byte[] payload = symmetric.decryptAndHash(in, pos, end - pos);
        message++;
        return payload;
    }

    /** The transport cipher states once the handshake is complete: sending first, receiving second. */
    CipherState[] split() {
        if (!isComplete()) {
            throw new IllegalStateException("the handshake is not complete");
        }
        CipherState[] c = symmetric.split();
        if (e != null) {
            e.destroy();
        }
        return initiator ? c : new CipherState[] {c[1], c[0]};
    }

    private int put(byte[] bytes, byte[] out, int pos) {
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        return pos + bytes.length;
    }

    private void need(int available, int needed, String what) throws MalformedHandshakeException {
        if (available < needed) {
            throw new MalformedHandshakeException("Noise handshake message " + (message + 1) + " is too short: "
                    + available + " bytes left for the " + needed + "-byte " + what);
        }
    }
}
