package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.util.IoRunnable;

/**
 * What a {@link ConnectionHandler} can do on its connection. Everything it starts is scoped to the connection: when
 * the connection closes, its threads are interrupted and its timers cancelled.
 */
public interface HandlerContext {
    /** The connection this handler serves. */
    Connection connection();

    default PeerId remotePeer() {
        return connection().remotePeer();
    }

    /** The node's time. */
    Scheduler scheduler();

    /**
     * Opens a stream on this connection, negotiating the first of {@code protocols} the remote supports. Blocks:
     * call it from a handler thread ({@link #spawn}, {@link #schedule}, an inbound stream), never from the
     * behaviour's thread.
     *
     * @throws IllegalStateException when called on the behaviour's thread
     */
    Stream openStream(List<String> protocols) throws IOException;

    /**
     * Runs {@code task} on a virtual thread of its own, interrupted when the connection closes. What it throws is
     * logged (DEBUG) and costs only the task. Dropped, quietly, once the connection or the swarm is closed.
     */
    void spawn(String name, IoRunnable task);

    /** Runs {@code task} on a thread of its own (as {@link #spawn}) after {@code delay}; cancelled at close. */
    Cancellable schedule(Duration delay, IoRunnable task);

    /**
     * Runs {@code task} on the behaviour's thread, where it may touch the behaviour's state. Blocks while the
     * behaviour's inbox is full (back-pressure). Dropped if the swarm is closing.
     */
    void toBehaviour(Runnable task);

    /**
     * This handler's vote on keeping the connection open while it carries no stream (the default is false). An idle
     * connection is closed only when no handler votes to keep it, and only if the swarm has an idle timeout.
     */
    void keepAlive(boolean keep);
}
