package org.jlibp2p.core.transport;

import java.io.Closeable;
import java.io.IOException;
import org.jlibp2p.core.multiaddr.Multiaddr;

/** A listening socket of a {@link Transport}. */
public interface Listener extends Closeable {
    /** The address actually bound, with the real port. */
    Multiaddr address();

    /** Waits for the next inbound connection; throws once the listener is closed. */
    RawConnection accept() throws IOException;
}
