package org.jlibp2p.muxer.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxedStream;

/** Sends data over a new stream of one session and checks that the other session's accepted stream reads it all. */
public final class Transfer {
    private Transfer() {}

    /** {@code size} random bytes from {@code from} to {@code to}, checked by SHA-256. */
    public static void checked(MuxedSession from, MuxedSession to, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        expected.update(data);
        AtomicReference<byte[]> got = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = Thread.ofVirtual().start(() -> {
            try {
                MuxedStream s = to.acceptStream();
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[37_000];
                int n;
                while ((n = s.input().read(buf)) >= 0) {
                    digest.update(buf, 0, n);
                }
                got.set(digest.digest());
                s.close();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        MuxedStream s = from.openStream();
        for (int off = 0; off < size; off += 100_000) {
            s.output().write(data, off, Math.min(100_000, size - off));
        }
        s.closeOutput();
        receiver.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertArrayEquals(expected.digest(), got.get());
    }
}
