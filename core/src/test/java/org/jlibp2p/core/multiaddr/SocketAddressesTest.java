package org.jlibp2p.core.multiaddr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {
    @Test
    void ip4AndIp6ToSocketAddressesAndBack() throws Exception {
        for (String s : new String[] {"/ip4/127.0.0.1/tcp/4001", "/ip4/0.0.0.0/tcp/0", "/ip6/::1/tcp/65535",
                "/ip6/2001:db8::7/tcp/1"}) {
            Multiaddr m = Multiaddr.parse(s);
            InetSocketAddress a = SocketAddresses.toInetSocketAddress(m).orElseThrow();
            assertEquals(Integer.parseInt(s.substring(s.lastIndexOf('/') + 1)), a.getPort());
            assertEquals(m, SocketAddresses.fromInetSocketAddress(a), s);
        }
        InetSocketAddress a =
                SocketAddresses.toInetSocketAddress(Multiaddr.parse("/ip4/10.1.2.3/tcp/8080")).orElseThrow();
        assertEquals(InetAddress.getByName("10.1.2.3"), a.getAddress());
        assertFalse(a.isUnresolved());
    }

    @Test
    void otherShapesAreNotSocketAddresses() throws Exception {
        for (String s : new String[] {"/ip4/127.0.0.1/udp/4001", "/dns4/localhost/tcp/1", "/ip4/127.0.0.1",
                "/ip4/127.0.0.1/tcp/1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC", "/unix/tmp/x.sock",
                "/ip4/127.0.0.1/tcp/1/ws"}) {
            assertTrue(SocketAddresses.toInetSocketAddress(Multiaddr.parse(s)).isEmpty(), s);
        }
    }

    @Test
    void scopedIpv6DropsTheZone() throws Exception {
        InetSocketAddress scoped = new InetSocketAddress(InetAddress.getByName("fe80::1%1"), 9);
        assertEquals(Multiaddr.parse("/ip6/fe80::1/tcp/9"), SocketAddresses.fromInetSocketAddress(scoped));
    }

    @Test
    void unresolvedAddressesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SocketAddresses.fromInetSocketAddress(InetSocketAddress.createUnresolved("example.org", 1)));
    }

    @Test
    void tcpPortReadsTheComponent() throws Exception {
        assertEquals(65535, SocketAddresses.tcpPort(Component.parse(Protocol.TCP, "65535")));
        assertThrows(IllegalArgumentException.class, () -> SocketAddresses.tcpPort(Component.parse(Protocol.UDP, "1")));
    }
}
