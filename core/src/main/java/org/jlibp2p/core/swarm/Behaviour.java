package org.jlibp2p.core.swarm;

/**
 * The extension point of a node: a protocol or a service (identify, ping, Kademlia, Gossipsub, an application).
 *
 * <p>A behaviour registers the protocols it serves with {@link Swarm#setStreamHandler} in {@link #start}, receives
 * every {@link SwarmEvent} in order through {@link #onEvent}, and uses the swarm to dial and open streams.
 * {@code onEvent} runs on the swarm's single event thread: it must not block; start a virtual thread for any I/O.
 */
public interface Behaviour {
    /** Called once when the behaviour is added to the swarm. */
    default void start(Swarm swarm) {}

    /** Called for every event, in order, on the swarm's event thread. Must not block. */
    default void onEvent(SwarmEvent event) {}

    /** Called once when the swarm closes. */
    default void stop() {}
}
