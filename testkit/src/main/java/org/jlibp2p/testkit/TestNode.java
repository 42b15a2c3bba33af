package org.jlibp2p.testkit;

import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Swarm;

/**
 * One node of a {@link TestNetwork}: its index, its swarm (with the behaviours the network gave it), the recorder of
 * everything it saw, and the address it listens on (with its {@code /p2p/} part).
 */
public record TestNode(int index, Swarm swarm, EventRecorder recorder, Multiaddr address) {
    public PeerId peerId() {
        return swarm.localPeer();
    }

    /** {@code n<index>}, the name traces use. */
    public String name() {
        return "n" + index;
    }
}
