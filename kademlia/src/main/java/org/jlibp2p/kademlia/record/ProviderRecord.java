package org.jlibp2p.kademlia.record;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/** A peer that said it provides a key, the addresses it gave, and when it was added (or last refreshed). */
public record ProviderRecord(PeerId provider, List<Multiaddr> addresses, Instant added) {
    public ProviderRecord {
        Objects.requireNonNull(provider, "provider");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(added, "added");
    }
}
