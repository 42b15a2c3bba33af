package org.jlibp2p.muxer.internal;

import java.util.concurrent.ThreadFactory;

/** The threads a muxer session takes from its node's factory, named after the session and what they do. */
public final class SessionThreads {
    private SessionThreads() {}

    /** An unstarted thread named {@code session-role}, or null if the factory refuses (the node is closing). */
    public static Thread named(ThreadFactory threads, String session, String role, Runnable task) {
        Thread t = threads.newThread(task);
        if (t != null) {
            t.setName(session + "-" + role);
        }
        return t;
    }

    /**
     * Starts each thread the factory handed out (nulls are skipped): one it gave must run, or its owner would wait
     * for it forever, even when the session is not going to start.
     */
    public static void startAll(Thread... threads) {
        for (Thread t : threads) {
            if (t != null) {
                t.start();
            }
        }
    }
}
