package org.jlibp2p.node;

import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlResponse;

/** DHT requests: every one is answered with an error until the Kademlia DHT is built. */
final class DhtControl {
    ControlResponse handle(Unsupported req) {
        return new ControlResponse.Error("DHT requests are not supported: this daemon has no DHT yet"
                + " (the Kademlia DHT is not built)");
    }
}
