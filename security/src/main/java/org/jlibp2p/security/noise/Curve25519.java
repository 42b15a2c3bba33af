package org.jlibp2p.security.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The X25519 function of RFC 7748, section 5: a Montgomery ladder over GF(2^255 - 19).
 *
 * <p>Field elements are five {@code long} limbs of radix 2^51, least significant first. Products of limbs are
 * 128-bit; each is taken as its low 64 bits ({@code a * b}) and its bits from 53 up
 * ({@link Math#unsignedMultiplyHigh} of {@code a << 11} and {@code b}), so a column of products is summed in two
 * plain {@code long}s with no carry bookkeeping: the column's remainder below 2^53 is recovered from the wrapped sum of
 * the low words (see {@link #mul}).
 *
 * <p>Constant time with respect to the scalar: the ladder runs over all 255 bits, swaps by mask arithmetic, and no
 * branch or array index depends on the scalar or on the point. The field elements are allocated once per call, before
 * the ladder.
 */
final class Curve25519 {
    private static final long MASK51 = (1L << 51) - 1;
    /** (A - 2) / 4 for the curve constant A = 486662. */
    private static final long A24 = 121665;
    /** {@code A24 << 13}: {@code unsignedMultiplyHigh(x, A24_SHIFTED)} is {@code x * A24 >> 51}. */
    private static final long A24_SHIFTED = A24 << 13;
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private Curve25519() {}

    /**
     * Writes X25519({@code k}, {@code u}) to {@code out} and returns whether it is all zeros (a low-order {@code u}).
     * Reads 32 bytes of each input; clamps a copy of the scalar; ignores the top bit of {@code u} and accepts
     * u-coordinates of p and above, as RFC 7748 requires. {@code out} may be either input.
     */
    static boolean scalarMult(byte[] k, byte[] u, byte[] out) {
        long[] x1 = new long[5];
        decode(u, x1);
        return ladder(k, x1, out);
    }

    /** Writes X25519({@code k}, 9), the public key of the private key {@code k}, to {@code out}. */
    static void scalarMultBase(byte[] k, byte[] out) {
        ladder(k, null, out);
    }

    /**
     * The ladder of RFC 7748, section 5, from bit 254 of the clamped scalar down to bit 0. {@code x1} is the decoded
     * u-coordinate, or null for the base point u = 9 (whose multiplication is by a small constant).
     */
    private static boolean ladder(byte[] k, long[] x1, byte[] out) {
        long s0 = (long) LE_LONG.get(k, 0) & ~7L;
        long s1 = (long) LE_LONG.get(k, 8);
        long s2 = (long) LE_LONG.get(k, 16);
        long s3 = ((long) LE_LONG.get(k, 24) & Long.MAX_VALUE) | (1L << 62);

        long[] x2 = {1, 0, 0, 0, 0};
        long[] z2 = new long[5];
        long[] x3 = new long[5];
        long[] z3 = {1, 0, 0, 0, 0};
        if (x1 == null) {
            x3[0] = 9;
        } else {
            System.arraycopy(x1, 0, x3, 0, 5);
        }
        long[] a = new long[5];
        long[] b = new long[5];
        long[] c = new long[5];
        long[] d = new long[5];
        long[] e = new long[5];

        long swap = 0;
        for (int t = 254; t >= 0; t--) {
            long word = t >= 192 ? s3 : t >= 128 ? s2 : t >= 64 ? s1 : s0; // t is public
            long bit = (word >>> t) & 1;
            swap ^= bit;
            cswap(swap, x2, x3);
            cswap(swap, z2, z3);
            swap = bit;

            add(a, x2, z2);   // A = x2 + z2
            sub(b, x2, z2);   // B = x2 - z2
            add(c, x3, z3);   // C = x3 + z3
            sub(d, x3, z3);   // D = x3 - z3
            mul(d, d, a);     // DA
            mul(c, c, b);     // CB
            sqr(a, a);        // AA
            sqr(b, b);        // BB
            add(x3, d, c);
            sqr(x3, x3);      // x3 = (DA + CB)^2
            sub(z3, d, c);
            sqr(z3, z3);      // (DA - CB)^2
            if (x1 == null) {
                mul9(z3, z3);
            } else {
                mul(z3, z3, x1);
            }
            mul(x2, a, b);    // x2 = AA * BB
            sub(e, a, b);     // E = AA - BB
            mulA24(z2, e);
            add(z2, z2, a);
            mul(z2, z2, e);   // z2 = E * (AA + a24 * E)
        }
        cswap(swap, x2, x3);
        cswap(swap, z2, z3);

        invert(z2, z2, a, b, c, d);
        mul(x2, x2, z2);
        encode(x2, out);
        return isZero(x2);
    }

    /** Swaps {@code f} and {@code g} if {@code swap} is 1, leaves them if it is 0, the same way either way. */
    private static void cswap(long swap, long[] f, long[] g) {
        long mask = -swap;
        for (int i = 0; i < 5; i++) {
            long x = mask & (f[i] ^ g[i]);
            f[i] ^= x;
            g[i] ^= x;
        }
    }

    /*
     * Limb bounds. mul and sqr take limbs below 2^53 and return limbs below 2^51 + 2^17. add of two such outputs gives
     * limbs below 2^52 + 2^18; sub adds 2p first (limbs 2^52 - 38, 2^52 - 2, ...) so it stays non-negative for a
     * subtrahend that is a mul or sqr output, and gives limbs below 2^53. mulA24 returns limbs below 2^51 + 2^24, so
     * AA + a24 E is below 2^52 + 2^25. Every operand of mul and sqr in the ladder is one of these.
     */

    private static void add(long[] out, long[] f, long[] g) {
        out[0] = f[0] + g[0];
        out[1] = f[1] + g[1];
        out[2] = f[2] + g[2];
        out[3] = f[3] + g[3];
        out[4] = f[4] + g[4];
    }

    /** {@code f - g + 2p}; {@code g} a mul or sqr output. */
    private static void sub(long[] out, long[] f, long[] g) {
        out[0] = f[0] + 0xFFFFFFFFFFFDAL - g[0];
        out[1] = f[1] + 0xFFFFFFFFFFFFEL - g[1];
        out[2] = f[2] + 0xFFFFFFFFFFFFEL - g[2];
        out[3] = f[3] + 0xFFFFFFFFFFFFEL - g[3];
        out[4] = f[4] + 0xFFFFFFFFFFFFEL - g[4];
    }

    /**
     * {@code out = f * g}, for limbs below 2^53. Output limb k collects the products of limbs i and j with i + j = k,
     * and 19 times those with i + j = k + 5 (2^255 = 19 mod p), taken as {@code f_i * 19 g_j}: the schoolbook product
     * folded onto five columns. Each column is summed twice: {@code lo}, the wrapped sum of the low 64 bits of its
     * products, and {@code hi}, the exact sum of their bits from 53 up ({@code unsignedMultiplyHigh(f_i << 11, x)} is
     * {@code f_i x >> 53}). As each product is {@code h * 2^53 + l} with {@code l < 2^53}, the column equals
     * {@code hi * 2^53 + (lo - (hi << 53))}, the second term (the sum of the {@code l}, below 5 * 2^53) exact despite
     * the wrap; {@code hi * 2^53} is {@code 4 hi} in the next column, and {@code 76 hi} in column 0 for column 4
     * (2^257 = 76 mod p).
     *
     * <p>Bounds: a product is below 2^106, or 19 * 2^106 when folded, so a {@code hi} is below 77 * 2^53 &lt; 2^59.3
     * (column 0: one plain product, four folded); column 4 has no folded products, so its {@code hi} is below
     * 5 * 2^53 and {@code 76 hi} below 2^61.6. Every limb before the carries is below 2^62: no {@code long}
     * overflows.
     */
    static void mul(long[] out, long[] f, long[] g) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
        long g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4];
        long s0 = f0 << 11, s1 = f1 << 11, s2 = f2 << 11, s3 = f3 << 11, s4 = f4 << 11;
        long n1 = 19 * g1, n2 = 19 * g2, n3 = 19 * g3, n4 = 19 * g4;

        long lo0 = f0 * g0 + f1 * n4 + f2 * n3 + f3 * n2 + f4 * n1;
        long hi0 = Math.unsignedMultiplyHigh(s0, g0) + Math.unsignedMultiplyHigh(s1, n4)
                + Math.unsignedMultiplyHigh(s2, n3) + Math.unsignedMultiplyHigh(s3, n2)
                + Math.unsignedMultiplyHigh(s4, n1);
        long lo1 = f0 * g1 + f1 * g0 + f2 * n4 + f3 * n3 + f4 * n2;
        long hi1 = Math.unsignedMultiplyHigh(s0, g1) + Math.unsignedMultiplyHigh(s1, g0)
                + Math.unsignedMultiplyHigh(s2, n4) + Math.unsignedMultiplyHigh(s3, n3)
                + Math.unsignedMultiplyHigh(s4, n2);
        long lo2 = f0 * g2 + f1 * g1 + f2 * g0 + f3 * n4 + f4 * n3;
        long hi2 = Math.unsignedMultiplyHigh(s0, g2) + Math.unsignedMultiplyHigh(s1, g1)
                + Math.unsignedMultiplyHigh(s2, g0) + Math.unsignedMultiplyHigh(s3, n4)
                + Math.unsignedMultiplyHigh(s4, n3);
        long lo3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * n4;
        long hi3 = Math.unsignedMultiplyHigh(s0, g3) + Math.unsignedMultiplyHigh(s1, g2)
                + Math.unsignedMultiplyHigh(s2, g1) + Math.unsignedMultiplyHigh(s3, g0)
                + Math.unsignedMultiplyHigh(s4, n4);
        long lo4 = f0 * g4 + f1 * g3 + f2 * g2 + f3 * g1 + f4 * g0;
        long hi4 = Math.unsignedMultiplyHigh(s0, g4) + Math.unsignedMultiplyHigh(s1, g3)
                + Math.unsignedMultiplyHigh(s2, g2) + Math.unsignedMultiplyHigh(s3, g1)
                + Math.unsignedMultiplyHigh(s4, g0);

        reduce(out, lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3, lo4, hi4);
    }

    /**
     * {@code out = f^2}, for limbs below 2^53: {@link #mul} with each product of two different limbs computed once and
     * doubled through its second factor ({@code 2 f_j}, {@code 38 f_j}), 15 products instead of 25. The same bounds
     * hold: column 0 has one plain product and two below 38 * 2^106.
     */
    static void sqr(long[] out, long[] f) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
        long s0 = f0 << 11, s1 = f1 << 11, s2 = f2 << 11, s3 = f3 << 11, s4 = f4 << 11;
        long d1 = f1 << 1, d2 = f2 << 1, d3 = f3 << 1, d4 = f4 << 1;
        long n3 = 19 * f3, n4 = 19 * f4, m3 = n3 << 1, m4 = n4 << 1;

        long lo0 = f0 * f0 + f1 * m4 + f2 * m3;
        long hi0 = Math.unsignedMultiplyHigh(s0, f0) + Math.unsignedMultiplyHigh(s1, m4)
                + Math.unsignedMultiplyHigh(s2, m3);
        long lo1 = f0 * d1 + f2 * m4 + f3 * n3;
        long hi1 = Math.unsignedMultiplyHigh(s0, d1) + Math.unsignedMultiplyHigh(s2, m4)
                + Math.unsignedMultiplyHigh(s3, n3);
        long lo2 = f0 * d2 + f1 * f1 + f3 * m4;
        long hi2 = Math.unsignedMultiplyHigh(s0, d2) + Math.unsignedMultiplyHigh(s1, f1)
                + Math.unsignedMultiplyHigh(s3, m4);
        long lo3 = f0 * d3 + f1 * d2 + f4 * n4;
        long hi3 = Math.unsignedMultiplyHigh(s0, d3) + Math.unsignedMultiplyHigh(s1, d2)
                + Math.unsignedMultiplyHigh(s4, n4);
        long lo4 = f0 * d4 + f1 * d3 + f2 * f2;
        long hi4 = Math.unsignedMultiplyHigh(s0, d4) + Math.unsignedMultiplyHigh(s1, d3)
                + Math.unsignedMultiplyHigh(s2, f2);

        reduce(out, lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3, lo4, hi4);
    }

    /** Turns the five column sums of {@link #mul} into five limbs below 2^51 + 2^17. */
    private static void reduce(long[] out, long lo0, long hi0, long lo1, long hi1, long lo2, long hi2, long lo3,
            long hi3, long lo4, long hi4) {
        // Column k: the remainders below 2^53 of its own products plus the part of column k - 1 from 2^53 up.
        long r0 = lo0 - (hi0 << 53) + 76 * hi4;
        long r1 = lo1 - (hi1 << 53) + (hi0 << 2);
        long r2 = lo2 - (hi2 << 53) + (hi1 << 2);
        long r3 = lo3 - (hi3 << 53) + (hi2 << 2);
        long r4 = lo4 - (hi4 << 53) + (hi3 << 2);

        r1 += r0 >>> 51;
        r0 &= MASK51;
        r2 += r1 >>> 51;
        r1 &= MASK51;
        r3 += r2 >>> 51;
        r2 &= MASK51;
        r4 += r3 >>> 51;
        r3 &= MASK51;
        r0 += 19 * (r4 >>> 51);
        r4 &= MASK51;

        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
        out[4] = r4;
    }

    /** {@code out = 121665 f}, limbs below 2^51 + 2^24; each 70-bit product split at bit 51. */
    static void mulA24(long[] out, long[] f) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
        long r0 = (f0 * A24) & MASK51;
        long r1 = (f1 * A24) & MASK51;
        long r2 = (f2 * A24) & MASK51;
        long r3 = (f3 * A24) & MASK51;
        long r4 = (f4 * A24) & MASK51;
        out[0] = r0 + 19 * Math.unsignedMultiplyHigh(f4, A24_SHIFTED);
        out[1] = r1 + Math.unsignedMultiplyHigh(f0, A24_SHIFTED);
        out[2] = r2 + Math.unsignedMultiplyHigh(f1, A24_SHIFTED);
        out[3] = r3 + Math.unsignedMultiplyHigh(f2, A24_SHIFTED);
        out[4] = r4 + Math.unsignedMultiplyHigh(f3, A24_SHIFTED);
    }

    /** {@code out = 9 f} for limbs below 2^53 (9 f_i fits a long), limbs below 2^51 + 2^17. */
    private static void mul9(long[] out, long[] f) {
        long r0 = 9 * f[0], r1 = 9 * f[1], r2 = 9 * f[2], r3 = 9 * f[3], r4 = 9 * f[4];
        r1 += r0 >>> 51;
        r0 &= MASK51;
        r2 += r1 >>> 51;
        r1 &= MASK51;
        r3 += r2 >>> 51;
        r2 &= MASK51;
        r4 += r3 >>> 51;
        r3 &= MASK51;
        r0 += 19 * (r4 >>> 51);
        r4 &= MASK51;
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
        out[4] = r4;
    }

    /** {@code out = f} squared {@code n} times. */
    private static void sqrN(long[] out, long[] f, int n) {
        sqr(out, f);
        for (int i = 1; i < n; i++) {
            sqr(out, out);
        }
    }

    /**
     * {@code out = f^(p - 2)}, which is 1/f for f != 0 and 0 for f = 0: 254 squarings and 11 multiplications;
     * {@code t0..t3} are scratch. {@code out} may be {@code f}.
     */
    private static void invert(long[] out, long[] f, long[] t0, long[] t1, long[] t2, long[] t3) {
        sqr(t0, f);            // 2
        sqrN(t1, t0, 2);       // 8
        mul(t1, t1, f);        // 9
        mul(t0, t0, t1);       // 11
        sqr(t2, t0);           // 22
        mul(t1, t1, t2);       // 31 = 2^5 - 1
        sqrN(t2, t1, 5);
        mul(t1, t2, t1);       // 2^10 - 1
        sqrN(t2, t1, 10);
        mul(t2, t2, t1);       // 2^20 - 1
        sqrN(t3, t2, 20);
        mul(t2, t3, t2);       // 2^40 - 1
        sqrN(t2, t2, 10);
        mul(t1, t2, t1);       // 2^50 - 1
        sqrN(t2, t1, 50);
        mul(t2, t2, t1);       // 2^100 - 1
        sqrN(t3, t2, 100);
        mul(t2, t3, t2);       // 2^200 - 1
        sqrN(t2, t2, 50);
        mul(t1, t2, t1);       // 2^250 - 1
        sqrN(t1, t1, 5);       // 2^255 - 32
        mul(out, t1, t0);      // 2^255 - 21 = p - 2
    }

    /** Reads 255 bits of 32 little-endian bytes (the top bit ignored); the value may be p or more. */
    static void decode(byte[] in, long[] out) {
        long w0 = (long) LE_LONG.get(in, 0);
        long w1 = (long) LE_LONG.get(in, 8);
        long w2 = (long) LE_LONG.get(in, 16);
        long w3 = (long) LE_LONG.get(in, 24);
        out[0] = w0 & MASK51;
        out[1] = ((w0 >>> 51) | (w1 << 13)) & MASK51;
        out[2] = ((w1 >>> 38) | (w2 << 26)) & MASK51;
        out[3] = ((w2 >>> 25) | (w3 << 39)) & MASK51;
        out[4] = (w3 >>> 12) & MASK51;
    }

    /** Reduces {@code f} (limbs below 2^52) in place to the canonical value below p and writes it as 32 bytes. */
    static void encode(long[] f, byte[] out) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
        // Two carry passes: limbs below 2^51, value below 2^255.
        for (int pass = 0; pass < 2; pass++) {
            f1 += f0 >>> 51;
            f0 &= MASK51;
            f2 += f1 >>> 51;
            f1 &= MASK51;
            f3 += f2 >>> 51;
            f2 &= MASK51;
            f4 += f3 >>> 51;
            f3 &= MASK51;
            f0 += 19 * (f4 >>> 51);
            f4 &= MASK51;
        }
        // q = 1 if the value is p or more (value + 19 reaches 2^255), else 0; subtract q p by adding 19 q and
        // dropping bit 255.
        long q = (f0 + 19) >>> 51;
        q = (f1 + q) >>> 51;
        q = (f2 + q) >>> 51;
        q = (f3 + q) >>> 51;
        q = (f4 + q) >>> 51;
        f0 += 19 * q;
        f1 += f0 >>> 51;
        f0 &= MASK51;
        f2 += f1 >>> 51;
        f1 &= MASK51;
        f3 += f2 >>> 51;
        f2 &= MASK51;
        f4 += f3 >>> 51;
        f3 &= MASK51;
        f4 &= MASK51;

        f[0] = f0;
        f[1] = f1;
        f[2] = f2;
        f[3] = f3;
        f[4] = f4;
        LE_LONG.set(out, 0, f0 | (f1 << 51));
        LE_LONG.set(out, 8, (f1 >>> 13) | (f2 << 38));
        LE_LONG.set(out, 16, (f2 >>> 26) | (f3 << 25));
        LE_LONG.set(out, 24, (f3 >>> 39) | (f4 << 12));
    }

    /** Whether the canonical {@code f} (after {@link #encode}) is zero, without a branch on its limbs. */
    private static boolean isZero(long[] f) {
        long any = f[0] | f[1] | f[2] | f[3] | f[4];
        return ((any | -any) >>> 63) == 0;
    }
}
