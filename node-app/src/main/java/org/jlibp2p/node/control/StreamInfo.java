package org.jlibp2p.node.control;

import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * A stream between this node and {@code peer}, reached at {@code addr}, on {@code protocol}: the answer to
 * STREAM_OPEN, and the first message on a connection the daemon opens to a stream handler.
 */
public record StreamInfo(PeerId peer, Multiaddr addr, String protocol) {
    public StreamInfo {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(addr, "addr");
        Objects.requireNonNull(protocol, "protocol");
    }
}
