package org.jlibp2p.relay;

import java.time.Instant;
import java.util.List;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * A reservation held with a relay: until {@code expire}, peers reach this node at {@code circuitAddresses}
 * ({@code <relay address>/p2p/<relay>/p2p-circuit}). {@code voucher} is the relay's signed voucher, when it sent one.
 */
public record Reservation(PeerId relay, Instant expire, List<Multiaddr> circuitAddresses, RelayLimit limit,
        java.util.Optional<ReservationVoucher> voucher) {
    public Reservation {
        circuitAddresses = List.copyOf(circuitAddresses);
    }
}
