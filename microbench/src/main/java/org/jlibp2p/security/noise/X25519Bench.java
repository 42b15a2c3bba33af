package org.jlibp2p.security.noise;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * X25519 (RFC 7748) by three implementations: {@link Curve25519} (this stack's), BouncyCastle's
 * {@code org.bouncycastle.math.ec.rfc7748.X25519}, and the JDK's XDH provider. {@code agree*}: one variable-base
 * scalar multiplication, the shared secret of a private key and a remote public key (a Noise handshake does three on
 * each side). {@code publicKey*}: the public key of a private key, a fixed-base multiplication (one per ephemeral key).
 * {@code keyPair*}: the same through {@link X25519KeyPair}, as the Noise handshake calls it. Throughput in operations
 * per second; each benchmark runs in its own JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class X25519Bench {
    // RFC 7748, section 6.1: Alice's private key and Bob's public key.
    private static final byte[] PRIVATE_KEY =
            HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] REMOTE_PUBLIC_KEY =
            HexFormat.of().parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");

    private byte[] privateKey;
    private byte[] remotePublicKey;
    private final byte[] out = new byte[32];

    private X25519KeyPair keyPair;

    private KeyAgreement jdkAgreement;
    private PrivateKey jdkPrivateKey;
    private PublicKey jdkRemotePublicKey;
    private KeyPairGenerator jdkGenerator;

    @Setup
    public void setUp() throws Exception {
        privateKey = PRIVATE_KEY.clone();
        remotePublicKey = REMOTE_PUBLIC_KEY.clone();
        keyPair = X25519KeyPair.fromPrivateKey(privateKey);

        KeyFactory factory = KeyFactory.getInstance("XDH");
        jdkPrivateKey = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
        jdkRemotePublicKey = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                littleEndian(remotePublicKey)));
        jdkAgreement = KeyAgreement.getInstance("X25519");
        // The generator takes its private keys from this source: the same bytes each time, as the others get.
        jdkGenerator = KeyPairGenerator.getInstance("X25519");
        jdkGenerator.initialize(NamedParameterSpec.X25519, new FixedBytes(privateKey));
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] be = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            be[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, be);
    }

    @Benchmark
    public byte[] agreeCurve25519() {
        Curve25519.scalarMult(privateKey, remotePublicKey, out);
        return out;
    }

    @Benchmark
    public byte[] agreeBouncyCastle() {
        X25519.calculateAgreement(privateKey, 0, remotePublicKey, 0, out, 0);
        return out;
    }

    @Benchmark
    public byte[] agreeJdk() throws Exception {
        jdkAgreement.init(jdkPrivateKey);
        jdkAgreement.doPhase(jdkRemotePublicKey, true);
        return jdkAgreement.generateSecret();
    }

    @Benchmark
    public byte[] publicKeyCurve25519() {
        Curve25519.scalarMultBase(privateKey, out);
        return out;
    }

    @Benchmark
    public byte[] publicKeyBouncyCastle() {
        X25519.generatePublicKey(privateKey, 0, out, 0);
        return out;
    }

    @Benchmark
    public Object publicKeyJdk() {
        return jdkGenerator.generateKeyPair();
    }

    /** What the Noise handshake does for each DH token. */
    @Benchmark
    public byte[] keyPairAgree() throws InvalidX25519KeyException {
        return keyPair.agree(remotePublicKey);
    }

    /** What the Noise handshake does for its ephemeral key, less the random bytes. */
    @Benchmark
    public byte[] keyPairPublicKey() {
        return X25519KeyPair.fromPrivateKey(privateKey).publicKey();
    }

    /** A source of randomness that hands out one fixed byte string over and over. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] b) {
            for (int i = 0; i < b.length; i++) {
                b[i] = bytes[i % bytes.length];
            }
        }
    }
}
