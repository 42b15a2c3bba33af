package org.jlibp2p.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpPortReuseTest {
    private static String port(Multiaddr a) {
        return a.valueOf(Protocol.TCP).orElseThrow();
    }

    @Test
    void dialsLeaveFromTheListeningPortAndFallBackWhenThatPairIsTaken() throws Exception {
        TcpTransport a = TcpTransport.withPortReuse();
        TcpTransport b = TcpTransport.withPortReuse();
        assertTrue(a.portReuse(), "Linux offers SO_REUSEPORT");
        try (Listener la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
                Listener lb = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))) {
            try (RawConnection out = a.dial(lb.address(), Duration.ofSeconds(5)); RawConnection in = lb.accept()) {
                assertEquals(port(la.address()), port(out.localAddress()), "the dial left from the listening port");
                assertEquals(port(la.address()), port(in.remoteAddress()));
                // b dialling a back: the pair (b's port, a's port) is taken by the first connection, so the dial
                // leaves from another port and still connects.
                try (RawConnection back = b.dial(la.address(), Duration.ofSeconds(5));
                        RawConnection accepted = la.accept()) {
                    assertNotEquals(port(lb.address()), port(back.localAddress()));
                    back.output().write(7);
                    back.output().flush();
                    assertEquals(7, accepted.input().read());
                }
            }
        }
    }

    @Test
    void aPlainTransportDialsFromAnEphemeralPort() throws Exception {
        TcpTransport a = new TcpTransport();
        TcpTransport b = new TcpTransport();
        try (Listener la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
                Listener lb = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
                RawConnection out = a.dial(lb.address(), Duration.ofSeconds(5))) {
            assertNotEquals(port(la.address()), port(out.localAddress()));
        }
    }
}
