package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.fuzz.ScriptedRemote;
import org.junit.jupiter.api.Timeout;

/**
 * Noise transport messages after a completed handshake. The remote sends some frames sealed with the session's true
 * key (plaintext from the fuzzer), then raw bytes from the fuzzer. The session gives back exactly the sealed
 * plaintext, read in fuzzer-chosen ways, and then ends cleanly, or fails with {@link FrameAuthenticationException}
 * or a {@link FormatException}: a frame the remote could not seal never yields a byte.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NoiseTransportFuzzTest {
    private static final byte[] KEY = new byte[32];
    private static final PeerId PEER = PeerId.fromPublicKey(NoiseFuzzing.IDENTITY.publicKey());

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    @FuzzTest
    void read(FuzzedDataProvider data) throws Exception {
        int frames = data.consumeInt(0, 4);
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        NoiseSession sender = session(new Sink(sealed));
        for (int i = 0; i < frames; i++) {
            byte[] p = data.consumeBytes(data.consumeInt(0, 3 * NoiseSession.MAX_PLAINTEXT));
            sender.output().write(p);
            sender.output().flush();
            plaintext.write(p);
        }
        int[] reads = data.consumeInts(16);
        byte[] garbage = data.consumeRemainingAsBytes();
        sealed.write(garbage);
        byte[] wire = sealed.toByteArray();

        Checks.allocatesAtMost(Checks.bound(wire.length, 2 * 1024 * 1024, 1024), () -> {
            NoiseSession receiver = session(new ScriptedRemote(wire));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] expected = plaintext.toByteArray();
            Checks.expectRun(() -> drain(receiver.input(), reads, expected.length, got),
                    FrameAuthenticationException.class, FormatException.class);
            assertTrue(got.size() <= expected.length, "a frame the remote could not seal yielded bytes");
            assertArrayEquals(Arrays.copyOf(expected, got.size()), got.toByteArray());
            if (garbage.length == 0) {
                assertArrayEquals(expected, got.toByteArray(), "well-sealed frames are read whole");
            }
        });
    }

    /**
     * Reads until the end, each read of a kind and size the fuzzer chose. A segment must be read whole, so segment
     * reads ask for no more than the sealed plaintext not yet read, and become single-byte reads past it.
     */
    private static void drain(InputStream in, int[] reads, int sealedLength, ByteArrayOutputStream got)
            throws IOException {
        for (int i = 0; ; i++) {
            int choice = reads.length == 0 ? 0 : reads[i % reads.length];
            int size = Math.floorMod(choice >> 2, 4 * NoiseSession.MAX_FRAME) + 1;
            int kind = Math.floorMod(choice, 4);
            int unread = sealedLength - got.size();
            if (kind == 3) {
                if (unread <= 0) {
                    kind = 0;
                } else {
                    size = Math.min(size, unread);
                }
            }
            switch (kind) {
                case 0 -> {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    got.write(b);
                }
                case 1 -> {
                    byte[] buf = new byte[size];
                    int n = in.read(buf, 0, size);
                    if (n < 0) {
                        return;
                    }
                    got.write(buf, 0, n);
                }
                case 2 -> {
                    byte[] b = in.readNBytes(size);
                    got.write(b);
                    if (b.length < size) {
                        return;
                    }
                }
                default -> {
                    Segment s = ((Segment.Reader) in).readSegment(size);
                    got.write(s.array(), s.offset(), s.length());
                    s.release();
                }
            }
        }
    }

    private static NoiseSession session(Duplex insecure) {
        return new NoiseSession(insecure, PEER, PEER, NoiseFuzzing.IDENTITY.publicKey(), Optional.empty(),
                CipherState.keyed(KEY), CipherState.keyed(KEY), NoiseBuffers.create());
    }

    /** A connection that only sends, into an array. */
    private record Sink(ByteArrayOutputStream out) implements Duplex {
        @Override
        public InputStream input() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public void closeOutput() {}

        @Override
        public void close() {}
    }
}
