/**
 * Publish/subscribe: gossipsub v1.0, v1.1 (peer scoring, peer exchange) and v1.2 (IDONTWANT), and floodsub
 * (libp2p/specs {@code pubsub/}).
 *
 * <p>Three rooms, as every protocol of the stack: {@link org.jlibp2p.gossipsub.GossipsubBehaviour} holds the router
 * ({@link org.jlibp2p.gossipsub.PubsubRouter}, a state machine without I/O driven by RPCs, the clock and the
 * heartbeat), a handler per connection keeps one outbound RPC stream with a bounded send queue and reads the peer's
 * inbound stream, and {@link org.jlibp2p.gossipsub.RpcCodec} is the wire, with limits.
 */
package org.jlibp2p.gossipsub;
