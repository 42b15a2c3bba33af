/**
 * The ping protocol in its three rooms: {@link org.jlibp2p.protocols.ping.PingBehaviour} (the node-wide part and
 * the API), {@code PingHandler} (one per connection: periodic pings on a kept stream) and
 * {@link org.jlibp2p.protocols.ping.PingProtocol} (the wire exchange).
 */
package org.jlibp2p.protocols.ping;
