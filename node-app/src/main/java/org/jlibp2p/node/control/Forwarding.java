package org.jlibp2p.node.control;

import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;

/**
 * One stream forwarding, as {@code ipfs p2p ls} shows it: a LISTEN forwarding listens at {@code /p2p/<this node>}
 * and targets a local TCP service; a FORWARD forwarding listens at a local TCP address and targets
 * {@code /p2p/<peer>}. {@code connections} are the connections it pipes now.
 */
public record Forwarding(String protocol, Multiaddr listen, Multiaddr target, int connections) {
    public Forwarding {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(target, "target");
    }
}
