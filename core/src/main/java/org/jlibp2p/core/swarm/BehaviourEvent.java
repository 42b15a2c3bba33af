package org.jlibp2p.core.swarm;

/**
 * What a behaviour reports to the application (identify's results, ping's round-trip times, ...): the behaviour
 * emits it with {@link BehaviourContext#emit}, and it reaches the application and every behaviour as
 * {@link SwarmEvent.Emitted}, in order with the swarm's own events. Each behaviour gives its events a sealed
 * interface extending this one.
 */
public interface BehaviourEvent {}
