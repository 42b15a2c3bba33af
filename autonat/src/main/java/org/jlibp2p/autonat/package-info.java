/**
 * AutoNAT (libp2p/specs {@code autonat/}): whether this node is reachable from the Internet, asked of other peers,
 * and the same service offered to them.
 *
 * <p>Three rooms, as every protocol of the stack: {@link org.jlibp2p.autonat.AutonatBehaviour} holds the client's
 * state machine ({@code internal.ReachabilityTracker}: answers from distinct servers to a reachability) and the
 * server's limits ({@code internal.RateLimiter}, {@code internal.DialPolicy}); its handler serves and asks on
 * streams; {@code internal.AutonatV1Codec} and {@code internal.AutonatV2Codec} are the wire, with limits.
 */
package org.jlibp2p.autonat;
