package org.jlibp2p.kademlia;

import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/** A peer and the addresses it can be reached at, as the DHT hands them out. */
public record PeerInfo(PeerId peer, List<Multiaddr> addresses) {
    public PeerInfo {
        Objects.requireNonNull(peer, "peer");
        addresses = List.copyOf(addresses);
    }
}
