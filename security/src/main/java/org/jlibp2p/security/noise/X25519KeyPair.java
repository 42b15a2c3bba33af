package org.jlibp2p.security.noise;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair (RFC 7748): the Noise static or ephemeral key.
 *
 * <p>Shared secrets come from {@link Curve25519}, this package's Montgomery ladder; public keys from BouncyCastle's
 * {@code X25519.generatePublicKey}, a fixed-base multiplication on precomputed Edwards-curve tables. Each is the
 * faster of the two for its job. Measured with {@code X25519Bench} (JMH, JDK 25, a shared 2-core Xeon at 2.3 GHz;
 * the figures vary by about 10% from run to run):
 *
 * <pre>
 *                        Curve25519   BouncyCastle 1.82   JDK XDH
 *   agreement, ops/s         16,000              11,400     6,100
 *   public key, ops/s        17,000              33,000     6,200
 * </pre>
 *
 * so a Noise XX handshake (three agreements and one public key on each side) spends about a quarter less time in
 * X25519 than with BouncyCastle alone.
 */
final class X25519KeyPair {
    static final int KEY_LENGTH = X25519.POINT_SIZE;

    private final byte[] privateKey;
    private final byte[] publicKey;

    private X25519KeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    static X25519KeyPair generate(SecureRandom random) {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, k);
        return new X25519KeyPair(k);
    }

    /** The pair of a given 32-byte private key (clamped when used, as RFC 7748 says). */
    static X25519KeyPair fromPrivateKey(byte[] privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (privateKey.length != X25519.SCALAR_SIZE) {
            throw new IllegalArgumentException("X25519 private keys are 32 bytes, not " + privateKey.length);
        }
        return new X25519KeyPair(privateKey.clone());
    }

    /** The public key; a copy. */
    byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * The shared secret with {@code remotePublicKey}.
     *
     * @throws InvalidX25519KeyException if the remote key is a low-order point (the secret would be all zeros)
     */
    byte[] agree(byte[] remotePublicKey) throws InvalidX25519KeyException {
        if (remotePublicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 public keys are 32 bytes, not " + remotePublicKey.length);
        }
        byte[] shared = new byte[KEY_LENGTH];
        if (Curve25519.scalarMult(privateKey, remotePublicKey, shared)) {
            throw new InvalidX25519KeyException("the remote X25519 key is a low-order point");
        }
        return shared;
    }

    void destroy() {
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "X25519KeyPair[public=" + java.util.HexFormat.of().formatHex(publicKey) + "]";
    }
}
