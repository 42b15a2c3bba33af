package org.jlibp2p.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Optional;

/**
 * What every fuzz target asserts: a parser fed arbitrary bytes returns or throws one of the exception types it
 * documents (never a {@link RuntimeException} or an {@link Error}), and allocates no more than a bound that grows with
 * the input, not with the lengths the input claims.
 */
public final class Checks {
    /** A parse that may fail with a checked exception. */
    @FunctionalInterface
    public interface Parse<T> {
        T run() throws Exception;
    }

    /** A piece of work that returns nothing. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        if (THREADS.isThreadAllocatedMemorySupported() && !THREADS.isThreadAllocatedMemoryEnabled()) {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
    }

    private Checks() {}

    /**
     * Runs {@code parse}: returns its result, or empty when it threw an instance of one of {@code allowed}.
     *
     * @throws AssertionError when anything else escapes, with that as its cause
     */
    @SafeVarargs
    public static <T> Optional<T> expect(Parse<T> parse, Class<? extends Exception>... allowed) {
        try {
            return Optional.ofNullable(parse.run());
        } catch (Throwable t) {
            for (Class<? extends Exception> c : allowed) {
                if (c.isInstance(t)) {
                    return Optional.empty();
                }
            }
            throw new AssertionError("undocumented exception escaped (allowed: " + Arrays.toString(allowed) + "): "
                    + t, t);
        }
    }

    /** Like {@link #expect(Parse, Class[])} for work without a result; returns whether it completed. */
    @SafeVarargs
    public static boolean expectRun(Work work, Class<? extends Exception>... allowed) {
        return expect(() -> {
            work.run();
            return Boolean.TRUE;
        }, allowed).isPresent();
    }

    /** Bytes the calling thread allocated so far. */
    public static long allocatedByThisThread() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Bytes all threads of the JVM allocated so far (an approximation, as the JDK documents). */
    public static long allocatedByAllThreads() {
        return THREADS.getTotalThreadAllocatedBytes();
    }

    /**
     * How much more code allocates while Jazzer fuzzes it: its coverage instrumentation records the operands of
     * comparisons, on the thread that compares. Only when fuzzing; a run over the corpus is not instrumented.
     */
    private static final long INSTRUMENTATION_SLACK =
            System.getenv("JAZZER_FUZZ") == null || System.getenv("JAZZER_FUZZ").isEmpty() ? 1 : 8;

    /**
     * The bound used by the targets: {@code fixed} plus {@code perByte} times the input's length (both times eight
     * while fuzzing, for the instrumentation's own allocations). It catches what matters: memory allocated for what
     * the input claims (a length prefix, a count) rather than for what it holds.
     */
    public static long bound(int inputLength, long fixed, long perByte) {
        return INSTRUMENTATION_SLACK * (fixed + perByte * inputLength);
    }

    /**
     * Runs {@code work} on the calling thread and fails when it allocated more than {@code limit} bytes there. The
     * first run of a parser loads and initialises classes, which allocates too: a run over the bound is repeated once,
     * and fails only when the repeat is over it as well. {@code work} must therefore give the same result twice.
     *
     * @throws AssertionError when the work allocated more than {@code limit}
     */
    public static void allocatesAtMost(long limit, Work work) throws Exception {
        long used = measure(work);
        if (used > limit) {
            used = measure(work);
            if (used > limit) {
                throw new AssertionError("allocated " + used + " bytes, more than the bound of " + limit);
            }
        }
    }

    private static long measure(Work work) throws Exception {
        long before = allocatedByThisThread();
        work.run();
        return allocatedByThisThread() - before;
    }
}
