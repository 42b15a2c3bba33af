package org.jlibp2p.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Tests that need IPv6 loopback skip, visibly, on machines without it. */
public final class Ipv6 {
    private Ipv6() {}

    /** Aborts the calling test through a JUnit assumption (reported as skipped) when ::1 cannot be bound. */
    public static void assumeLoopback() {
        boolean bound;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("::1", 0));
            bound = true;
        } catch (IOException e) {
            bound = false;
        }
        assumeTrue(bound, "this machine has no IPv6 loopback (::1 cannot be bound)");
    }
}
