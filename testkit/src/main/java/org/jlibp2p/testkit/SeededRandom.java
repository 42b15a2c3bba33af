package org.jlibp2p.testkit;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * A {@link SecureRandom} that is not secure at all: the same seed gives the same bytes, so that test nodes get the
 * same keys on every run. Never for real keys.
 */
public final class SeededRandom extends SecureRandom {
    private final SplittableRandom random;

    public SeededRandom(long seed) {
        super(new byte[0]);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        random.nextBytes(bytes);
    }

    @Override
    public synchronized int nextInt() {
        return random.nextInt();
    }

    @Override
    public synchronized long nextLong() {
        return random.nextLong();
    }

    @Override
    public byte[] generateSeed(int numBytes) {
        byte[] b = new byte[numBytes];
        nextBytes(b);
        return b;
    }

    @Override
    public synchronized void setSeed(long seed) {
        // the seed is fixed at construction; SecureRandom's constructor calls this before the field exists
    }
}
