package org.jlibp2p.node;

import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlResponse;

/** PUBSUB requests: every one is answered with an error until gossipsub is built. */
final class PubsubControl {
    ControlResponse handle(Unsupported req) {
        return new ControlResponse.Error("PUBSUB requests are not supported: this daemon has no pubsub yet"
                + " (gossipsub is not built)");
    }
}
