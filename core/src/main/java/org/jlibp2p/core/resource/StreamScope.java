package org.jlibp2p.core.resource;

import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.LimitExceededException;

/**
 * What one stream holds in the {@link ResourceManager}: the stream itself, pending until its protocol is known, and
 * the memory its handler reserved. {@link #close()} gives all of it back. Thread-safe.
 */
public final class StreamScope implements AutoCloseable {
    private final ResourceManager manager;
    final ConnectionScope connection;
    final Direction direction;
    ResourceManager.Scope protocolScope; // guarded by manager
    ResourceManager.Scope serviceScope; // guarded by manager
    long memory; // guarded by manager
    private boolean closed; // guarded by manager

    StreamScope(ResourceManager manager, ConnectionScope connection, Direction direction) {
        this.manager = manager;
        this.connection = connection;
        this.direction = direction;
        connection.openStreams.add(this);
    }

    public Direction direction() {
        return direction;
    }

    /**
     * Counts the stream against {@code protocol}, and against {@code service} (the behaviour serving it; null for
     * none), instead of the pending scope.
     *
     * @throws LimitExceededException if the protocol or service holds as many streams as it may
     */
    public void setProtocol(String protocol, String service) throws LimitExceededException {
        synchronized (manager) {
            if (closed) {
                throw new LimitExceededException("stream closed", "the stream is closed");
            }
            manager.assignProtocol(this, protocol, service);
        }
    }

    /**
     * Reserves {@code bytes} of memory for this stream (a handler's buffer, a queue), in every scope above it.
     *
     * @throws LimitExceededException if any scope would go past its memory limit; nothing is reserved then
     */
    public void reserveMemory(long bytes) throws LimitExceededException {
        synchronized (manager) {
            if (closed) {
                throw new LimitExceededException("stream closed", "the stream is closed");
            }
            manager.reserveMemory(this, bytes);
        }
    }

    /** Gives back {@code bytes} reserved earlier (at most what is held). */
    public void releaseMemory(long bytes) {
        synchronized (manager) {
            if (!closed) {
                manager.releaseMemory(this, bytes);
            }
        }
    }

    /** Bytes this stream holds reserved now. */
    public long memory() {
        synchronized (manager) {
            return memory;
        }
    }

    /** Gives back the stream and its memory. Idempotent. */
    @Override
    public void close() {
        synchronized (manager) {
            if (closed) {
                return;
            }
            closed = true;
            connection.openStreams.remove(this);
            manager.closeStream(this);
        }
    }
}
