package org.jlibp2p.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.node.control.ControlRequest.Connect;
import org.jlibp2p.node.control.ControlRequest.Disconnect;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.PeerInfo;

/** IDENTIFY, CONNECT, DISCONNECT and LIST_PEERS: the node's identity and its connections. */
final class ConnectionControl {
    private final Swarm swarm;

    ConnectionControl(Swarm swarm) {
        this.swarm = swarm;
    }

    /** IDENTIFY: the peer id, and the addresses the node advertises: its listen and confirmed external addresses. */
    ControlResponse identify() {
        List<Multiaddr> addrs = new ArrayList<>(swarm.listenAddresses());
        swarm.externalAddresses().stream().filter(a -> !addrs.contains(a)).forEach(addrs::add);
        return new ControlResponse.Identity(swarm.localPeer(), addrs);
    }

    /** Dials the peer within the request's timeout; a connection that is made after it stays open. */
    ControlResponse connect(Connect req) throws IOException {
        Timeouts.call(req.timeout(), "connecting to " + req.peer(), () -> swarm.dial(req.peer(), req.addrs()),
                late -> { });
        DataDir.persistPeerstore(swarm);   // with -dataDir, the peer's addresses are on disk before the OK
        return new ControlResponse.Ok();
    }

    ControlResponse disconnect(Disconnect req) {
        swarm.disconnect(req.peer());
        return new ControlResponse.Ok();
    }

    /** One entry per open connection, with the remote address of that connection, as go-libp2p-daemon answers. */
    ControlResponse listPeers() {
        List<PeerInfo> peers = new ArrayList<>();
        for (Connection c : swarm.connections()) {
            if (c.isOpen()) {
                peers.add(new PeerInfo(c.remotePeer(), List.of(c.remoteAddress())));
            }
        }
        return new ControlResponse.Peers(peers);
    }
}
