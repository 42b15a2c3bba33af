package org.jlibp2p.core.transport;

import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.core.multiaddr.Multiaddr;

/** Moves bytes between hosts: TCP, and later QUIC or WebSocket. Produces raw, unsecured connections. */
public interface Transport {
    /** Whether this transport can dial {@code address} (any trailing {@code /p2p/<id>} is ignored). */
    boolean canDial(Multiaddr address);

    /** Whether this transport can listen on {@code address}. */
    boolean canListen(Multiaddr address);

    /** Dials {@code address}, failing after {@code timeout}. */
    RawConnection dial(Multiaddr address, Duration timeout) throws IOException;

    /** Starts listening; the listener reports the real address (port 0 picks a free port). */
    Listener listen(Multiaddr address) throws IOException;
}
