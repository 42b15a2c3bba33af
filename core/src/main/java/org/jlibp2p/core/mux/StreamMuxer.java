package org.jlibp2p.core.mux;

import java.io.IOException;
import java.util.concurrent.ThreadFactory;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.time.Scheduler;

/** A stream multiplexer (Yamux, mplex): turns one secured connection into many independent streams. */
public interface StreamMuxer {
    /** The multistream-select protocol id, e.g. {@code /yamux/1.0.0}. */
    String protocolId();

    /**
     * Starts a session over {@code connection}. The session owns the connection from now on and runs its own
     * reader thread.
     *
     * @param initiator true on the side that dialled the connection (it matters for stream id parity)
     * @param scheduler the node's time and timers (keep-alive pings, round-trip times)
     * @param threads where the session's threads come from (the node's, so that closing the node ends them)
     */
    MuxedSession start(Duplex connection, boolean initiator, Scheduler scheduler, ThreadFactory threads)
            throws IOException;
}
