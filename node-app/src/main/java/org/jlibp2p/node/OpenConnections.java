package org.jlibp2p.node;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.util.Closeables;

/**
 * The connections a control server holds open (control connections, the stream pipes they become, connections to
 * stream handlers), so that stopping the server closes every one, including those opened while it stops.
 */
final class OpenConnections {
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Tracks {@code c}; when the server has stopped, closes it at once and returns false. */
    boolean add(AutoCloseable c) {
        open.add(c);
        if (closed) {
            release(c);
            return false;
        }
        return true;
    }

    /** Stops tracking {@code c} and closes it. */
    void release(AutoCloseable c) {
        open.remove(c);
        Closeables.closeQuietly(c);
    }

    /** Stops tracking {@code c} without closing it (something else now tracks it). */
    void forget(AutoCloseable c) {
        open.remove(c);
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes everything tracked, and from now on everything added. */
    void closeAll() {
        closed = true;
        for (AutoCloseable c : open) {
            release(c);
        }
    }
}
