package org.jlibp2p.node;

import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlResponse;

/** CONNMANAGER requests: every one is answered with an error until the connection manager is built. */
final class ConnManagerControl {
    ControlResponse handle(Unsupported req) {
        return new ControlResponse.Error("CONNMANAGER requests are not supported: this daemon has no"
                + " connection manager yet");
    }
}
