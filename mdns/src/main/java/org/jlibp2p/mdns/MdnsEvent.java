package org.jlibp2p.mdns;

import java.util.List;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What {@link MdnsBehaviour} reports, as {@link org.jlibp2p.core.swarm.SwarmEvent.Emitted}. */
public sealed interface MdnsEvent extends BehaviourEvent {
    /** A peer on the LAN answered, newly or with other addresses (now in the peerstore). */
    record Discovered(PeerId peer, List<Multiaddr> addresses) implements MdnsEvent {}

    /** A peer was not heard of for the ttl. */
    record Expired(PeerId peer) implements MdnsEvent {}
}
