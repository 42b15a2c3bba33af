package org.jlibp2p.kademlia.record;

import java.io.IOException;

/**
 * A record or key that fails validation: malformed bytes, a bad signature, a key that does not match the value, an
 * expired record, an unknown namespace. It is an {@link IOException} because such records arrive from the network,
 * where they cost the sender its request, never the node.
 */
public final class InvalidRecordException extends IOException {
    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
