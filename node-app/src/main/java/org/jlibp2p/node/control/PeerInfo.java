package org.jlibp2p.node.control;

import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/** A peer and addresses of it: an entry of LIST_PEERS, or the answer to PEERSTORE GET_PEER_INFO. */
public record PeerInfo(PeerId id, List<Multiaddr> addrs) {
    public PeerInfo {
        Objects.requireNonNull(id, "id");
        addrs = List.copyOf(addrs);
    }
}
