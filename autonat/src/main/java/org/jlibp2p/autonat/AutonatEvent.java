package org.jlibp2p.autonat;

import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What {@link AutonatBehaviour} reports, as {@link org.jlibp2p.core.swarm.SwarmEvent.Emitted}. */
public sealed interface AutonatEvent extends BehaviourEvent {
    /**
     * The node's reachability changed; {@code address} is the address a server reached when it is {@code PUBLIC}.
     */
    record ReachabilityChanged(Reachability reachability, Optional<Multiaddr> address) implements AutonatEvent {}

    /**
     * A server answered a probe of this node ({@code answer} is {@code UNKNOWN} when it refused, failed or did not
     * answer); {@code protocol} is the AutoNAT version asked.
     */
    record ProbeAnswered(PeerId server, String protocol, Reachability answer, Optional<Multiaddr> address,
            String detail) implements AutonatEvent {}

    /** This node, as a server, dialled a client back ({@code reached}) or failed to. */
    record DialedBack(PeerId client, Multiaddr address, boolean reached) implements AutonatEvent {}
}
