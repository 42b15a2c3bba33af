package org.jlibp2p.simulator;

import java.util.Arrays;

/** A growable array of samples with percentiles. */
final class Stats {
    private double[] values = new double[64];
    private int size;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    /** The samples, sorted. */
    double[] sorted() {
        double[] s = Arrays.copyOf(values, size);
        Arrays.sort(s);
        return s;
    }

    /** The {@code p}-th percentile (0..100) by nearest rank; NaN when empty. */
    double percentile(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        double[] s = sorted();
        int rank = (int) Math.ceil(p / 100 * size);
        return s[Math.max(0, Math.min(size - 1, rank - 1))];
    }

    double mean() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return size == 0 ? Double.NaN : sum / size;
    }

    double max() {
        return size == 0 ? Double.NaN : sorted()[size - 1];
    }

    /** Rounds {@code v} to 4 significant decimals for reporting. */
    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        return Math.round(v * 10_000) / 10_000.0;
    }
}
