package org.jlibp2p.core.swarm;

import java.io.IOException;

/**
 * Serves one inbound stream of a protocol. Runs on its own virtual thread: plain blocking code. When it returns
 * the stream is closed; when it throws, the stream is reset.
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(Stream stream) throws IOException;
}
