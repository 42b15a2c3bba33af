package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.util.IoRunnable;

/**
 * What a {@link Behaviour} sees of its node: the narrow view it depends on instead of the {@link Swarm}, so that a
 * behaviour can be driven in a unit test by a fake context, without any transport.
 *
 * <p>Methods marked <em>non-blocking</em> may be called on the behaviour's thread; the blocking ones must not be
 * (they throw {@link IllegalStateException} there).
 */
public interface BehaviourContext {
    /** This node's peer id. */
    PeerId localPeer();

    /** This node's identity key, for behaviours that sign (peer records, pubsub messages). */
    PrivateKey identity();

    /** What the node knows about other peers. Thread-safe. */
    Peerstore peerstore();

    /** The node's time and timers. */
    Scheduler scheduler();

    /** The addresses the node listens on (wildcards expanded). */
    List<Multiaddr> listenAddresses();

    /** The external addresses confirmed so far. */
    List<Multiaddr> externalAddresses();

    /** The protocols the node serves, over all its behaviours, sorted. */
    Set<String> protocols();

    /** The open connections. */
    List<Connection> connections();

    /**
     * Serves {@code protocol}: its inbound streams go to this behaviour's handler of the connection they arrive on.
     * Non-blocking.
     *
     * @throws IllegalStateException if another behaviour serves it already
     */
    void serve(String protocol);

    /** Stops serving {@code protocol} (streams negotiating it are then refused). Non-blocking. */
    void stopServing(String protocol);

    /** Runs {@code task} on the behaviour's thread after {@code delay}. Non-blocking. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Runs {@code task} on the behaviour's thread every {@code period}. Non-blocking. */
    Cancellable every(Duration period, Runnable task);

    /**
     * Runs {@code task} on the behaviour's thread. From a thread that is not a behaviour's this blocks while the
     * inbox is full (back-pressure); on a behaviour's thread it only queues.
     */
    void execute(Runnable task);

    /**
     * Runs {@code query} on the behaviour's thread and returns its result: how the application reads a behaviour's
     * state. On the behaviour's own thread it runs at once.
     *
     * @throws IllegalStateException if the swarm is closed, or when called on another behaviour's thread (it would
     *     block it)
     */
    <T> T call(Supplier<T> query) throws InterruptedException;

    /**
     * Runs blocking {@code task} on a virtual thread of its own, ended (interrupted) when the swarm closes; what it
     * throws is logged (DEBUG). Dropped, quietly, once the swarm is closing. Non-blocking.
     */
    void spawn(String name, IoRunnable task);

    /**
     * Connects to {@code peer} (adding {@code addresses} to the peerstore) unless already connected. Non-blocking:
     * the outcome arrives as {@link SwarmEvent.ConnectionEstablished} or {@link SwarmEvent.DialFailed}.
     */
    void dial(PeerId peer, Collection<Multiaddr> addresses);

    /**
     * Opens a stream to {@code peer}, dialling if needed, negotiating the first of {@code protocols} it supports.
     * Blocking.
     */
    Stream openStream(PeerId peer, List<String> protocols) throws IOException;

    /** Closes every connection to {@code peer}. Non-blocking. */
    void disconnect(PeerId peer);

    /**
     * Lets streams of {@code protocol} run on limited connections (through a circuit relay); see
     * {@link Swarm#allowOnLimitedConnections}. Non-blocking.
     */
    default void allowOnLimitedConnections(String protocol) {}

    /**
     * Upgrades a raw connection made outside the swarm's transports (a relayed stream, a hole-punched socket) in the
     * given role and registers it; see {@link Swarm#upgrade}. Blocking.
     */
    default Connection upgrade(RawConnection raw, Direction role, PeerId expected) throws IOException {
        throw new UnsupportedOperationException("this context cannot upgrade connections");
    }

    /** Reports {@code event} to the application (and every behaviour) as {@link SwarmEvent.Emitted}. Non-blocking. */
    void emit(BehaviourEvent event);

    /** Reports an address others may reach this node at ({@link SwarmEvent.ExternalAddressCandidate}). Non-blocking. */
    void addExternalAddressCandidate(Multiaddr address);

    /** Confirms an external address: the node advertises it from now on. Non-blocking. */
    void confirmExternalAddress(Multiaddr address);

    /** Stops advertising an external address. Non-blocking. */
    void removeExternalAddress(Multiaddr address);
}
