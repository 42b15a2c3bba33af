package org.jlibp2p.core.util;

import java.io.IOException;

/** A piece of blocking I/O that returns a value: what a deadline or a worker thread runs. */
@FunctionalInterface
public interface IoCall<T> {
    T call() throws IOException;
}
