package org.jlibp2p.core.util;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * The virtual threads of one owner (a swarm, a connection), tracked so that closing the owner can interrupt them and
 * wait for them to end: nothing started through a group outlives its {@link #close(Duration)}. Also a
 * {@link ThreadFactory}, for components (muxers) that start threads of their own. Thread-safe.
 */
public final class TaskGroup implements ThreadFactory {
    private static final System.Logger LOG = System.getLogger(TaskGroup.class.getName());

    private final String name;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public TaskGroup(String name) {
        this.name = name;
    }

    /**
     * Starts {@code task} on a new virtual thread named {@code threadName}.
     *
     * @throws RejectedExecutionException once the group is closed
     */
    public Thread start(String threadName, Runnable task) {
        Thread t = newThread(task);
        if (t == null) {
            throw new RejectedExecutionException(name + " is closed");
        }
        t.setName(threadName);
        t.start();
        return t;
    }

    /** An unstarted, tracked virtual thread, or null once the group is closed (a factory's way to refuse). */
    @Override
    public Thread newThread(Runnable task) {
        if (closed) {
            return null;
        }
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "task " + Thread.currentThread().getName() + " failed", e);
            } finally {
                live.remove(Thread.currentThread());
            }
        });
        live.add(t);
        if (closed) {
            live.remove(t);
            return null;
        }
        return t;
    }

    /** Threads started and not ended yet. */
    public int active() {
        return live.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Refuses new threads, interrupts those running and waits up to {@code timeout} for them to end; returns whether
     * they all did. Idempotent.
     */
    public boolean close(Duration timeout) {
        closed = true;
        List<Thread> threads = new ArrayList<>(live);
        threads.forEach(Thread::interrupt);
        Deadline d = Deadline.after(timeout);
        try {
            return d.joinAll(threads) && live.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits up to {@code timeout} for every thread to end, without interrupting any; returns whether they did. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        Deadline d = Deadline.after(timeout);
        while (!live.isEmpty()) {
            if (!d.joinAll(new ArrayList<>(live))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "TaskGroup[" + name + ", " + live.size() + " live]";
    }
}
