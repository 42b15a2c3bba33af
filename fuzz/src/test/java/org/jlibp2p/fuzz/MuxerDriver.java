package org.jlibp2p.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.mux.StreamLimitException;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.core.time.ManualScheduler;

/**
 * Runs a muxer session whose remote sends a fixed array of bytes, as a node would: the local side opens a stream and
 * writes to it, accepts every stream the remote opens and reads each to its end, then closes the session. Checks that
 * the session ends (the bytes end, so it must), that only typed exceptions reach the application, that the reason the
 * session closed is typed too, that every thread of the session ends, and that the session's threads and the caller
 * together allocate no more than a bound that grows with the input (each thread's own count, from the JDK's
 * {@code ThreadMXBean}).
 */
public final class MuxerDriver {
    /** The most streams the local side accepts in one run. */
    private static final int MAX_ACCEPTED = 256;
    private static final Duration END_WITHIN = Duration.ofSeconds(10);

    @SuppressWarnings("unchecked")
    private static final Class<? extends Exception>[] STREAM_FAILURES = new Class[] {
        SessionClosedException.class, StreamResetException.class, StreamLimitException.class, FormatException.class};

    private MuxerDriver() {}

    /**
     * One run.
     *
     * @param closeReason the session's typed reason for closing, once closed (null while open)
     * @param fixed the bytes a run may allocate whatever its input (threads, buffers of the session)
     * @param perByte the bytes a run may allocate for each byte of input
     */
    public static <S extends MuxedSession> void run(StreamMuxer muxer, boolean initiator, byte[] localWrites,
            byte[] remoteSends, Function<S, SessionClosedException> closeReason, long fixed, long perByte)
            throws Exception {
        long limit = Checks.bound(remoteSends.length + localWrites.length, fixed, perByte);
        long used = runOnce(muxer, initiator, localWrites, remoteSends, closeReason);
        if (used > limit) {
            // A run down a path no run took before loads (and, when fuzzing, instruments) classes, which allocates
            // on the session's threads too: measure the same run again.
            used = runOnce(muxer, initiator, localWrites, remoteSends, closeReason);
        }
        if (used > limit) {
            throw new AssertionError("the session allocated " + used + " bytes, more than the bound of " + limit);
        }
    }

    /** One run; returns the bytes all threads allocated meanwhile. */
    private static <S extends MuxedSession> long runOnce(StreamMuxer muxer, boolean initiator, byte[] localWrites,
            byte[] remoteSends, Function<S, SessionClosedException> closeReason) throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        // Platform threads, each adding what it allocated to the run's count: other threads of the JVM (the
        // fuzzer's among them) allocate meanwhile, so a JVM-wide count would charge their bytes to the session.
        AtomicLong allocated = new AtomicLong();
        Phaser running = new Phaser(1);
        ThreadFactory threads = task -> {
            running.register();
            Thread t = Thread.ofPlatform().daemon().unstarted(() -> {
                long start = Checks.allocatedByThisThread();
                try {
                    task.run();
                } finally {
                    allocated.addAndGet(Checks.allocatedByThisThread() - start);
                    running.arriveAndDeregister();
                }
            });
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            return t;
        };
        ScriptedRemote remote = new ScriptedRemote(remoteSends);
        long callerStart = Checks.allocatedByThisThread();

        @SuppressWarnings("unchecked")
        S session = (S) Checks.expect(() -> muxer.start(remote, initiator, new ManualScheduler(), threads),
                SessionClosedException.class).orElse(null);
        if (session != null) {
            Thread app = threads.newThread(() -> {
                Checks.expectRun(() -> write(session, localWrites), STREAM_FAILURES);
                Checks.expectRun(() -> acceptAndRead(session), STREAM_FAILURES);
            });
            app.start();
            boolean ended = app.join(END_WITHIN);
            session.close();
            if (!ended) {
                app.join(END_WITHIN);
                throw new AssertionError("the session did not end after the remote's bytes did: " + session
                        + ", failures: " + uncaught);
            }
            SessionClosedException reason = closeReason.apply(session);
            if (reason == null) {
                throw new AssertionError("a closed session has no reason");
            }
            for (Throwable cause = reason.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof RuntimeException || cause instanceof Error) {
                    throw new AssertionError("the session closed for an untyped failure: " + reason, reason);
                }
            }
        }
        running.arriveAndDeregister();
        try {
            running.awaitAdvanceInterruptibly(0, END_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("threads outlived the session: " + running.getRegisteredParties()
                    + " still run");
        }
        if (!uncaught.isEmpty()) {
            AssertionError e = new AssertionError("a thread failed: " + uncaught.getFirst(), uncaught.getFirst());
            uncaught.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        if (!remote.isClosed()) {
            throw new AssertionError("the session left its connection open");
        }
        return allocated.get() + (Checks.allocatedByThisThread() - callerStart);
    }

    private static void write(MuxedSession session, byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return;
        }
        MuxedStream s = session.openStream();
        s.output().write(bytes);
        s.output().flush();
        s.closeOutput();
    }

    private static void acceptAndRead(MuxedSession session) throws IOException {
        byte[] buf = new byte[4096];
        for (int i = 0; i < MAX_ACCEPTED; i++) {
            MuxedStream s = session.acceptStream();
            Checks.expectRun(() -> {
                try (InputStream in = s.input()) {
                    while (in.read(buf) >= 0) {
                        // read to the end
                    }
                }
            }, STREAM_FAILURES);
        }
    }
}
