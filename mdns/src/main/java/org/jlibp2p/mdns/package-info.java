/**
 * mDNS discovery of peers on the local network (libp2p/specs {@code discovery/mdns.md}): queries for PTR
 * {@code _p2p._udp.local} to 224.0.0.251:5353, answered with a PTR to a random name and one TXT string
 * {@code dnsaddr=<multiaddr>/p2p/<id>} per address.
 *
 * <p>{@link org.jlibp2p.mdns.MdnsBehaviour} holds {@code internal.MdnsState}, a state machine without I/O (what to
 * answer, whom was found, when they expire); a virtual thread owns the multicast socket; {@code internal.DnsMessage}
 * is the wire, with limits (it reads datagrams from anyone on the LAN).
 */
package org.jlibp2p.mdns;
