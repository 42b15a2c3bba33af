package org.jlibp2p.core.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test's helper thread whose failure reaches the test: {@link #join()} waits (bounded) for the body and rethrows
 * whatever it threw, as it was thrown, where a plain thread would print it and die while its joiner carried on.
 */
public final class Background<T> {
    /** A body that returns nothing and may throw anything. */
    public interface Body {
        void run() throws Exception;
    }

    private final FutureTask<T> task;
    private final Thread thread;

    private Background(Callable<T> body) {
        this.task = new FutureTask<>(body);
        this.thread = Thread.ofVirtual().name("test-helper").start(task);
    }

    /** Runs {@code body} on a new virtual thread. */
    public static <T> Background<T> call(Callable<T> body) {
        return new Background<>(body);
    }

    /** Runs {@code body} on a new virtual thread. */
    public static Background<Void> run(Body body) {
        return new Background<>(() -> {
            body.run();
            return null;
        });
    }

    /** The thread the body runs on, e.g. for {@link Blocking#awaitBlocked}. */
    public Thread thread() {
        return thread;
    }

    /** {@link #join(long)} with 30 s. */
    public T join() throws Exception {
        return join(30);
    }

    /**
     * The body's result; its exception or error, rethrown; an AssertionError naming where it hangs if it has not
     * ended within {@code seconds}.
     */
    public T join(long seconds) throws Exception {
        try {
            return task.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case Exception x -> throw x;
                case Error x -> throw x;
                default -> throw e;
            }
        } catch (TimeoutException e) {
            AssertionError hang = new AssertionError(thread + " did not end within " + seconds + " s");
            hang.setStackTrace(thread.getStackTrace());
            throw hang;
        }
    }
}
