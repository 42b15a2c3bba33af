package org.jlibp2p.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.SessionClosedException;
import org.jlibp2p.core.mux.StreamLimitException;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.mux.StreamResetException;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.util.TaskGroup;

/**
 * Runs a muxer session whose remote sends a fixed array of bytes, as a node would: the local side opens a stream and
 * writes to it, accepts every stream the remote opens and reads each to its end, then closes the session. Checks that
 * the session ends (the bytes end, so it must), that only typed exceptions reach the application, that the reason the
 * session closed is typed too, that every thread of the session ends, and that all threads together allocate no more
 * than a bound that grows with the input.
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
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        TaskGroup group = new TaskGroup("fuzz-muxer");
        ThreadFactory threads = task -> {
            Thread t = group.newThread(task);
            if (t != null) {
                t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            }
            return t;
        };
        ScriptedRemote remote = new ScriptedRemote(remoteSends);
        long before = Checks.allocatedByAllThreads();

        @SuppressWarnings("unchecked")
        S session = (S) Checks.expect(() -> muxer.start(remote, initiator, new ManualScheduler(), threads),
                SessionClosedException.class).orElse(null);
        if (session != null) {
            Thread app = Thread.ofVirtual().unstarted(() -> {
                Checks.expectRun(() -> write(session, localWrites), STREAM_FAILURES);
                Checks.expectRun(() -> acceptAndRead(session), STREAM_FAILURES);
            });
            app.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
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
        if (!group.awaitIdle(END_WITHIN)) {
            throw new AssertionError("threads outlived the session: " + group);
        }
        if (!uncaught.isEmpty()) {
            AssertionError e = new AssertionError("a thread failed: " + uncaught.getFirst(), uncaught.getFirst());
            uncaught.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        if (!remote.isClosed()) {
            throw new AssertionError("the session left its connection open");
        }
        long used = Checks.allocatedByAllThreads() - before;
        long limit = Checks.bound(remoteSends.length + localWrites.length, fixed, perByte);
        if (used > limit) {
            throw new AssertionError("the session allocated " + used + " bytes, more than the bound of " + limit);
        }
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
