package org.jlibp2p.ipfs;

/** Deterministic test content: a linear congruential generator's high bytes (the same generator as the js side). */
public final class TestBytes {
    private TestBytes() {}

    public static byte[] of(int n, long seed) {
        byte[] b = new byte[n];
        long x = seed & 0xffffffffL;
        for (int i = 0; i < n; i++) {
            x = (x * 1103515245L + 12345L) & 0xffffffffL;
            b[i] = (byte) (x >>> 24);
        }
        return b;
    }
}
