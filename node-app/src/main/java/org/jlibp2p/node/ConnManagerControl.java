package org.jlibp2p.node;

import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.connmgr.ConnManager;
import org.jlibp2p.node.control.ControlRequest.ConnManagerRequest;
import org.jlibp2p.node.control.ControlRequest.TagPeer;
import org.jlibp2p.node.control.ControlRequest.Trim;
import org.jlibp2p.node.control.ControlRequest.UntagPeer;
import org.jlibp2p.node.control.ControlResponse;

/**
 * CONNMANAGER: TAG_PEER, UNTAG_PEER and TRIM, answered with a plain OK as go-libp2p-daemon answers them. Without
 * {@code -connManager} go's daemon has a connection manager that does nothing and still answers OK; so does this
 * one, and it logs once that the requests change nothing.
 */
final class ConnManagerControl {
    private static final System.Logger LOG = System.getLogger(ConnManagerControl.class.getName());

    private final Optional<ConnManager> manager;
    private final AtomicBoolean warned = new AtomicBoolean();

    ConnManagerControl(Optional<ConnManager> manager) {
        this.manager = manager;
    }

    ControlResponse handle(ConnManagerRequest req) throws InterruptedIOException {
        if (manager.isEmpty()) {
            if (warned.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.INFO, "CONNMANAGER requests change nothing: the daemon runs without"
                        + " -connManager");
            }
            return new ControlResponse.Ok();
        }
        ConnManager cm = manager.get();
        switch (req) {
            case TagPeer t -> cm.tagPeer(t.peer(), t.tag(), t.weight());
            case UntagPeer u -> cm.untagPeer(u.peer(), u.tag());
            case Trim _ -> {
                try {
                    cm.trim();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while trimming");
                }
            }
        }
        return new ControlResponse.Ok();
    }
}
