package org.jlibp2p.relay.dcutr;

import java.util.List;
import org.jlibp2p.core.multiaddr.Multiaddr;

/**
 * The addresses this node tells a peer to punch to: its observed (external) addresses. By default
 * {@link DcutrBehaviour} takes the addresses other peers reported observing (identify's observed address, as
 * {@code ExternalAddressCandidate} events) and the node's confirmed external addresses; a node with a manager of
 * external addresses gives its own.
 */
@FunctionalInterface
public interface AddressSource {
    List<Multiaddr> addresses();
}
