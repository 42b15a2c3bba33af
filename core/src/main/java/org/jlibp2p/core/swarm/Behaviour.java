package org.jlibp2p.core.swarm;

/**
 * The extension point of a node: a protocol or a service (identify, ping, Kademlia, Gossipsub, an application). A
 * protocol lives in three rooms:
 *
 * <ul>
 *   <li>the behaviour itself holds the node-wide state (a routing table, a mesh, a cache). The swarm gives each
 *       behaviour a thread of its own: {@link #start}, {@link #newHandler}, {@link #onEvent} and {@link #stop}, and
 *       every task posted through {@link BehaviourContext#execute} or scheduled through
 *       {@link BehaviourContext#schedule}, run on it one at a time, so the state needs no locks. None of them may
 *       block: blocking work goes to {@link BehaviourContext#spawn} or to a handler;
 *   <li>a {@link ConnectionHandler} per connection, made by {@link #newHandler}, serves the inbound streams of the
 *       behaviour's protocols on that connection and opens outbound ones, as plain blocking code on virtual threads;
 *       it reports back through {@link HandlerContext#toBehaviour};
 *   <li>the wire protocol: a codec with limits, used by the handler.
 * </ul>
 *
 * <p>Events arrive exactly once and in order: for each connection, {@link SwarmEvent.ConnectionEstablished} first
 * (after {@link #newHandler} made its handler, and before any stream of that connection reaches the handler), then
 * {@link SwarmEvent.ConnectionClosed}, which always comes. Nothing is dropped: when a behaviour falls behind, whoever
 * feeds it waits (back-pressure).
 */
public interface Behaviour {
    /**
     * Called once, first, on the behaviour's thread: keep the context, register the protocols served
     * ({@link BehaviourContext#serve}), start timers.
     */
    default void start(BehaviourContext context) {}

    /**
     * Makes the handler of a new connection, on the behaviour's thread, just before
     * {@link SwarmEvent.ConnectionEstablished} of that connection reaches {@link #onEvent}. Inbound streams of the
     * behaviour's protocols on that connection go to this handler. The default refuses every stream.
     */
    default ConnectionHandler newHandler(HandlerContext context) {
        return ConnectionHandler.REFUSE;
    }

    /** Called for every event, in order, on the behaviour's thread. Must not block. */
    default void onEvent(SwarmEvent event) {}

    /** Called once, last, on the behaviour's thread, when the swarm closes, after the last event. */
    default void stop() {}
}
