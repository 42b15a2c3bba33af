package org.jlibp2p.node;

import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.node.control.ControlRequest.GetPeerInfo;
import org.jlibp2p.node.control.ControlRequest.GetProtocols;
import org.jlibp2p.node.control.ControlRequest.PeerstoreQuery;
import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.PeerInfo;

/** PEERSTORE: what the node knows about other peers (the js-libp2p-daemon extension of the protocol). */
final class PeerstoreControl {
    private final Swarm swarm;

    PeerstoreControl(Swarm swarm) {
        this.swarm = swarm;
    }

    ControlResponse query(PeerstoreQuery req) {
        return switch (req) {
            case GetProtocols q -> new ControlResponse.Protocols(
                    swarm.peerstore().protocols(q.peer()).stream().sorted().toList());
            case GetPeerInfo q -> new ControlResponse.Peer(
                    new PeerInfo(q.peer(), swarm.peerstore().addresses(q.peer())));
        };
    }

    /** A PEERSTORE request of another type (the reference names only these two besides UNSPECIFIED). */
    ControlResponse unsupported(Unsupported req) {
        return new ControlResponse.Error("unsupported PEERSTORE request type " + req.operation()
                + " (supported: GET_PROTOCOLS, GET_PEER_INFO)");
    }
}
