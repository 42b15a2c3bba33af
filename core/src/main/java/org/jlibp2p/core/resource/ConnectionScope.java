package org.jlibp2p.core.resource;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.LimitExceededException;

/**
 * What one connection holds in the {@link ResourceManager}: pending until {@link #setPeer}, then its peer's; its
 * streams. {@link #close()} gives back everything, its streams' reservations included. Thread-safe.
 */
public final class ConnectionScope implements AutoCloseable {
    private final ResourceManager manager;
    final Direction direction;
    final Multiaddr remote;
    final boolean fd;
    final List<String> subnetKeys;
    final ResourceManager.Scope own;
    ResourceManager.Scope peerScope; // guarded by manager
    PeerId peer; // guarded by manager
    final Set<StreamScope> openStreams = new HashSet<>(); // guarded by manager
    private boolean closed; // guarded by manager

    ConnectionScope(ResourceManager manager, Direction direction, Multiaddr remote, boolean fd,
            List<String> subnetKeys, ResourceManager.Scope own) {
        this.manager = manager;
        this.direction = direction;
        this.remote = remote;
        this.fd = fd;
        this.subnetKeys = List.copyOf(subnetKeys);
        this.own = own;
    }

    public Direction direction() {
        return direction;
    }

    public Optional<PeerId> peer() {
        synchronized (manager) {
            return Optional.ofNullable(peer);
        }
    }

    /**
     * Counts the connection against {@code peer} (whose identity its handshake proved) instead of the pending scope.
     *
     * @throws LimitExceededException if the peer holds as many connections as it may
     */
    public void setPeer(PeerId peer) throws LimitExceededException {
        synchronized (manager) {
            if (closed) {
                throw new IllegalStateException("the connection scope is closed");
            }
            if (this.peer != null) {
                throw new IllegalStateException("the connection's peer is set already");
            }
            manager.assignPeer(this, peer);
        }
    }

    /**
     * Admits a stream of this connection: counts it in the connection, the peer, the pending and the system scopes.
     *
     * @throws LimitExceededException if any of them is full
     */
    public StreamScope openStream(Direction d) throws LimitExceededException {
        synchronized (manager) {
            if (closed) {
                throw new LimitExceededException("connection closed", "the connection is closed");
            }
            return manager.openStream(this, d);
        }
    }

    /** Gives back the connection and what its streams still hold. Idempotent. */
    @Override
    public void close() {
        synchronized (manager) {
            if (closed) {
                return;
            }
            closed = true;
            for (StreamScope s : List.copyOf(openStreams)) {
                s.close();
            }
            manager.closeConnection(this);
        }
    }

    String who(PeerId p) {
        return (p == null ? "" : "peer " + p + " ") + (direction == Direction.INBOUND ? "from " : "at ") + remote;
    }
}
