/**
 * Testing nodes and behaviours: {@link org.jlibp2p.testkit.TestNetwork} (many nodes over the in-memory transport, in
 * a {@link org.jlibp2p.testkit.Topology}, on a shared manual clock), {@link org.jlibp2p.testkit.EventRecorder} and
 * {@link org.jlibp2p.testkit.Signal} (waiting on events, never sleeping), and
 * {@link org.jlibp2p.testkit.FakeBehaviourContext} / {@link org.jlibp2p.testkit.FakeHandlerContext} (a behaviour
 * unit-tested with no swarm and no transport).
 */
package org.jlibp2p.testkit;
