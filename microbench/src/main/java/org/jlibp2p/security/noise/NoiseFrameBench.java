package org.jlibp2p.security.noise;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.Duplex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Noise transport frames: one message encrypted or decrypted by a {@link CipherState}, and a whole frame through a
 * {@link NoiseSession}'s output (encrypt, length prefix, write) and input (read ahead, decrypt). {@code cipher}
 * selects the ChaCha20-Poly1305 implementation ({@code auto} as the stack chooses); each value runs in its own JVM.
 * Throughput in operations per second; multiply by {@code size} for bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NoiseFrameBench {
    @Param({"auto", "jdk", "conscrypt"})
    public String cipher;

    @Param({"1024", "65519"})
    public int size;

    private byte[] plaintext;
    private byte[] ciphertext;
    private byte[] out;
    private CipherState encryptor;
    private CipherState decryptor;
    private long decryptNonce;

    private NoiseSession sender;
    private NoiseSession receiver;
    private Replay wire;
    private byte[] readBuffer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        System.setProperty(ChaChaPolyProvider.PROPERTY, cipher);
        byte[] key = new byte[32];
        key[0] = 1;
        plaintext = new byte[size];
        out = new byte[size + CipherState.TAG_LENGTH];
        encryptor = CipherState.keyed(key);
        decryptor = CipherState.keyed(key);
        ciphertext = new byte[size + CipherState.TAG_LENGTH];
        CipherState.keyed(key).encryptWithAd(new byte[0], plaintext, 0, size, ciphertext, 0);

        // A session that writes into nothing, and one that reads the same frame over and over (its nonce reset),
        // drawing on the buffer pools of one channel.
        NoiseBuffers buffers = NoiseBuffers.create();
        sender = new NoiseSession(new Sink(), null, null, null, Optional.empty(), CipherState.keyed(key),
                CipherState.keyed(key), buffers);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(ciphertext.length >>> 8);
        frame.write(ciphertext.length);
        frame.write(ciphertext);
        wire = new Replay(frame.toByteArray());
        receiver = new NoiseSession(wire, null, null, null, Optional.empty(), CipherState.keyed(key),
                decryptingState = CipherState.keyed(key), buffers);
        readBuffer = new byte[size];
    }

    private CipherState decryptingState;

    @Benchmark
    public int encrypt() throws Exception {
        return encryptor.encryptWithAd(EMPTY, plaintext, 0, size, out, 0);
    }

    @Benchmark
    public int decrypt() throws Exception {
        decryptor.setNonce(decryptNonce);
        return decryptor.decryptWithAd(EMPTY, ciphertext, 0, ciphertext.length, out, 0);
    }

    /** One frame through the session output: encrypt from the caller's array, prefix, write, flush. */
    @Benchmark
    public void sessionWrite() throws IOException {
        sender.output().write(plaintext, 0, size);
        sender.output().flush();
    }

    /** One frame through the session input: read it from the connection, decrypt it into the caller's array. */
    @Benchmark
    public int sessionRead() throws IOException {
        decryptingState.setNonce(0);
        return receiver.input().readNBytes(readBuffer, 0, size);
    }

    private static final byte[] EMPTY = new byte[0];

    /** A connection whose output discards everything. */
    private static final class Sink implements Duplex {
        @Override
        public InputStream input() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream output() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public void closeOutput() {}

        @Override
        public void close() {}
    }

    /** A connection whose input repeats one frame forever, handed out in reads of at most 64 KiB. */
    private static final class Replay implements Duplex {
        private final byte[] frame;
        private int pos;
        private final InputStream in = new InputStream() {
            @Override
            public int read() {
                int b = frame[pos] & 0xFF;
                pos = (pos + 1) % frame.length;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = Math.min(len, frame.length - pos);
                System.arraycopy(frame, pos, b, off, n);
                pos = (pos + n) % frame.length;
                return n;
            }
        };

        Replay(byte[] frame) {
            this.frame = frame;
        }

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
    }
}
