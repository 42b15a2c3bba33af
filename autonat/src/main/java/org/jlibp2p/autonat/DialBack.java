package org.jlibp2p.autonat;

import java.io.IOException;
import java.util.List;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Swarm;

/**
 * How an AutoNAT server dials a client back: on a connection of its own, never one the node already has to the client
 * (which would prove nothing), from another identity. {@link #over(Swarm)} uses a second swarm that listens nowhere.
 */
public interface DialBack {
    /**
     * Connects afresh to {@code peer} at {@code address} only; the caller closes the connection.
     *
     * @throws IOException if the dial fails or times out
     */
    Connection dial(PeerId peer, Multiaddr address) throws IOException;

    /**
     * Dials through {@code dialer}, a swarm of its own (its own identity and dial timeout, no listen address, no
     * behaviours needed), which the caller closes. Its address book is cleared after every dial.
     */
    static DialBack over(Swarm dialer) {
        return (peer, address) -> {
            try {
                return dialer.dial(peer, List.of(address.withoutPeerId()));
            } finally {
                dialer.peerstore().remove(peer);
            }
        };
    }
}
