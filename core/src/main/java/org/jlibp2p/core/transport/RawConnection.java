package org.jlibp2p.core.transport;

import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.multiaddr.Multiaddr;

/** A connection as a transport made it: bytes only, no identity, no security. */
public interface RawConnection extends Duplex {
    Multiaddr localAddress();

    Multiaddr remoteAddress();
}
