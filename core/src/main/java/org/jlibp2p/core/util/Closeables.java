package org.jlibp2p.core.util;

/** Closing on paths where a failure to close changes nothing: the resource is abandoned either way. */
public final class Closeables {
    private Closeables() {}

    /** Closes {@code c}, ignoring what it throws; null is ignored too. */
    public static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort: the caller is abandoning the resource
        }
    }
}
