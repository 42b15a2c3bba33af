package org.jlibp2p.relay.dcutr;

import java.time.Duration;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What hole punching reports, on both sides, as {@code SwarmEvent.Emitted}. */
public sealed interface DcutrEvent extends BehaviourEvent {
    /** The peer hole punching was with. */
    PeerId peer();

    /**
     * A direct connection to {@code peer} now exists beside the relayed one, after {@code attempt} rounds; the
     * relayed connection's round-trip time was {@code rtt}, and the direct connection came {@code elapsed} after the
     * relayed one was established. {@code initiator} on the side that started the exchange (the relayed connection's
     * inbound side).
     */
    record DirectConnectionUpgraded(PeerId peer, int attempt, Duration rtt, Duration elapsed, Multiaddr remoteAddress,
            boolean initiator) implements DcutrEvent {}

    /** Hole punching with {@code peer} gave up after {@code attempts} rounds; the relayed connection stays. */
    record UpgradeFailed(PeerId peer, int attempts, String reason, boolean initiator) implements DcutrEvent {}
}
