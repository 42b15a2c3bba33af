package org.jlibp2p.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.testing.Blocking;
import org.jlibp2p.core.testing.Ipv6;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpTransportTest {
    private final TcpTransport tcp = new TcpTransport();

    @Test
    void addressesItHandles() throws Exception {
        assertTrue(tcp.canDial(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")));
        assertTrue(tcp.canDial(Multiaddr.parse("/ip6/::1/tcp/4001")));
        assertTrue(tcp.canDial(Multiaddr.parse("/dns4/localhost/tcp/4001")));
        assertTrue(tcp.canDial(Multiaddr.parse(
                "/ip4/127.0.0.1/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC")));
        assertFalse(tcp.canDial(Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1")));
        assertFalse(tcp.canDial(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/ws")));
        assertFalse(tcp.canListen(Multiaddr.parse("/dns4/localhost/tcp/4001")));
    }

    @Test
    void portZeroReportsTheRealPortAndBytesFlowBothWaysWithHalfCloseOverIpv4() throws Exception {
        portZeroReportsTheRealPortAndBytesFlowBothWaysWithHalfClose("/ip4/127.0.0.1/tcp/0");
    }

    @Test
    void portZeroReportsTheRealPortAndBytesFlowBothWaysWithHalfCloseOverIpv6() throws Exception {
        Ipv6.assumeLoopback();
        portZeroReportsTheRealPortAndBytesFlowBothWaysWithHalfClose("/ip6/::1/tcp/0");
    }

    private void portZeroReportsTheRealPortAndBytesFlowBothWaysWithHalfClose(String listen) throws Exception {
        {
            try (Listener l = tcp.listen(Multiaddr.parse(listen))) {
                assertNotEquals(listen, l.address().toString());
                assertTrue(l.address().toString().matches("/ip[46]/[^/]+/tcp/[1-9]\\d*"), l.address().toString());
                byte[] data = new byte[3 * 1024 * 1024];
                new Random(7).nextBytes(data);
                CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                    try (RawConnection server = l.accept()) {
                        byte[] all = server.input().readAllBytes();
                        server.output().write(MessageDigest.getInstance("SHA-256").digest(all));
                        server.closeOutput();
                        return all;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                try (RawConnection c = tcp.dial(l.address(), Duration.ofSeconds(5))) {
                    assertEquals(l.address(), c.remoteAddress());
                    c.output().write(data);
                    c.closeOutput();
                    byte[] digest = c.input().readAllBytes();
                    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest);
                }
                assertArrayEquals(data, echoed.get(20, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void localhostByNameIsDialled() throws Exception {
        try (Listener l = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))) {
            String port = l.address().toString().substring(l.address().toString().lastIndexOf('/') + 1);
            for (String name : new String[] {"/dns4/localhost/tcp/", "/dns/localhost/tcp/"}) {
                CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
                    try (RawConnection server = l.accept()) {
                        return server.input().read();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (RawConnection c = tcp.dial(Multiaddr.parse(name + port), Duration.ofSeconds(5))) {
                    assertEquals(l.address(), c.remoteAddress(), name);
                    c.output().write(42);
                    c.closeOutput();
                    assertEquals(42, served.get(10, TimeUnit.SECONDS));
                }
            }
        }
    }

    @Test
    void dialToAClosedPortFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Multiaddr closed = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port);
        assertThrows(java.net.ConnectException.class, () -> tcp.dial(closed, Duration.ofSeconds(2))); // refused
    }

    @Test
    void closingTheListenerEndsAccept() throws Exception {
        Listener l = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                l.accept();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        Blocking.awaitBlocked(acceptor); // a virtual thread in accept parks until a connection or the close
        l.close();
        assertTrue(acceptor.join(Duration.ofSeconds(5)), "accept still blocked after the close");
        assertInstanceOf(IOException.class, failure.get());
    }
}
