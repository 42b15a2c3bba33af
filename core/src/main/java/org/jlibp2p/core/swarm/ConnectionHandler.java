package org.jlibp2p.core.swarm;

import java.io.IOException;

/**
 * The part of a {@link Behaviour} that serves one connection (see {@link Behaviour#newHandler}): per-connection state
 * (outbound streams kept open, send queues, request state) lives here, and its blocking code runs on virtual threads.
 */
@FunctionalInterface
public interface ConnectionHandler {
    /**
     * Serves one inbound stream of a protocol the behaviour serves, on a virtual thread of its own: plain blocking
     * code. When it returns the stream is closed; when it throws, the stream is reset.
     */
    void handleInbound(Stream stream) throws IOException;

    /** A handler that takes no inbound stream: each one is reset. */
    ConnectionHandler REFUSE = Stream::reset;
}
