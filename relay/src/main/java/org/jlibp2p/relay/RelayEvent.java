package org.jlibp2p.relay;

import java.time.Instant;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What the relay service and the relay client report, as {@code SwarmEvent.Emitted}. */
public sealed interface RelayEvent extends BehaviourEvent {
    /** Service: {@code peer} holds (or renewed) a reservation until {@code expire}. */
    record ReservationAccepted(PeerId peer, Instant expire) implements RelayEvent {}

    /** Service: a reservation of {@code peer} was refused. */
    record ReservationRefused(PeerId peer, RelayStatus status) implements RelayEvent {}

    /** Service: a circuit from {@code src} to {@code dst} was refused. */
    record CircuitRefused(PeerId src, PeerId dst, RelayStatus status) implements RelayEvent {}

    /** Service: a circuit opened. */
    record CircuitOpened(PeerId src, PeerId dst) implements RelayEvent {}

    /**
     * Service: a circuit closed, having carried these bytes each way; {@code limitReached} when the relay cut it at
     * its time or data limit.
     */
    record CircuitClosed(PeerId src, PeerId dst, long srcToDst, long dstToSrc, boolean limitReached)
            implements RelayEvent {}

    /** Client: a reservation with {@code relay} was made or renewed. */
    record Reserved(Reservation reservation) implements RelayEvent {}

    /** Client: the reservation with {@code relay} is gone (renewal refused, relay disconnected). */
    record ReservationLost(PeerId relay, String reason) implements RelayEvent {}
}
