package org.jlibp2p.core.transport;

import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.multiaddr.Multiaddr;

/** A connection as a transport made it: bytes only, no identity, no security. */
public interface RawConnection extends Duplex {
    Multiaddr localAddress();

    Multiaddr remoteAddress();

    /**
     * Whether the connection runs through a third party that limits it in time or bytes (a circuit relay): the
     * swarm then marks its {@link org.jlibp2p.core.swarm.Connection} limited.
     */
    default boolean limited() {
        return false;
    }
}
