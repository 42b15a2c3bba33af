package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.time.Duration;

/** Why a connection closed. */
public sealed interface CloseCause {
    /** This node closed it ({@link Connection#close()}, {@link Swarm#disconnect}). */
    record Local() implements CloseCause {}

    /**
     * This node's connection manager closed it to bring the number of connections down to its low water mark
     * ({@link org.jlibp2p.core.connmgr.ConnManager}).
     */
    record Trimmed() implements CloseCause {}

    /** The remote closed it, or went away. */
    record Remote(String detail) implements CloseCause {}

    /** No stream was open and no handler wanted it kept for the idle timeout. */
    record Idle(Duration idleFor) implements CloseCause {}

    /** The swarm closed. */
    record Shutdown() implements CloseCause {}

    /** It failed: an I/O error, a protocol error of the remote, a keep-alive ping unanswered. */
    record Failed(IOException error) implements CloseCause {}

    /** A line for logs. */
    default String describe() {
        return switch (this) {
            case Local l -> "closed locally";
            case Trimmed t -> "trimmed by the connection manager";
            case Remote r -> "closed by the remote: " + r.detail();
            case Idle i -> "idle for " + i.idleFor();
            case Shutdown s -> "swarm closed";
            case Failed f -> "failed: " + f.error().getMessage();
        };
    }
}
