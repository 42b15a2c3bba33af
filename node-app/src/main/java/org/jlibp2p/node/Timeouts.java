package org.jlibp2p.node;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jlibp2p.core.util.IoCall;

/** Blocking work of a control request, bounded by the request's timeout. */
final class Timeouts {
    private Timeouts() {}

    /**
     * Runs {@code call} on a thread of its own for at most {@code timeout}; {@code what} names it in the error.
     * When the deadline passes (or the caller is interrupted) the call is interrupted, and a result it still
     * produces goes to {@code late}, which closes or keeps it as the caller sees fit.
     */
    static <T> T call(Duration timeout, String what, IoCall<T> call, Consumer<T> late) throws IOException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("control-op").start(() -> {
            try {
                T v = call.call();
                if (!result.complete(v)) {
                    late.accept(v);
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (result.completeExceptionally(e)) {
                worker.interrupt();
                throw new IOException(what + " timed out after " + format(timeout));
            }
            // the call ended as the wait did: its outcome stands
        } catch (ExecutionException e) {
            // the cause is read below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!result.completeExceptionally(e) && result.state() == Future.State.SUCCESS) {
                late.accept(result.resultNow());
            }
            worker.interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
        if (result.state() == Future.State.SUCCESS) {
            return result.resultNow();
        }
        Throwable cause = result.exceptionNow();
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        throw new IOException(what + " failed: " + cause, cause);
    }

    /** {@code 1 s} or {@code 300 ms}: in seconds when the duration is a whole number of them. */
    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
