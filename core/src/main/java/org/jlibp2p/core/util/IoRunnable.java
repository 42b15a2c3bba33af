package org.jlibp2p.core.util;

import java.io.IOException;

/** A piece of blocking I/O without a result: the body of a spawned task or a stream handler's work. */
@FunctionalInterface
public interface IoRunnable {
    void run() throws IOException;
}
