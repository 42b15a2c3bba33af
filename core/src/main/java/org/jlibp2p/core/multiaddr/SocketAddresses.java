package org.jlibp2p.core.multiaddr;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Conversions between multiaddrs and the JDK's socket addresses, from the binary components (no text parsing and
 * no name lookup).
 */
public final class SocketAddresses {
    private SocketAddresses() {}

    /**
     * The socket address of {@code /ip4/<addr>/tcp/<port>} or {@code /ip6/<addr>/tcp/<port>}, or empty for any other
     * shape (a {@code /p2p/} suffix included: strip it first).
     */
    public static Optional<InetSocketAddress> toInetSocketAddress(Multiaddr address) {
        List<Component> c = address.components();
        if (c.size() != 2 || c.get(1).protocol() != Protocol.TCP) {
            return Optional.empty();
        }
        Protocol family = c.get(0).protocol();
        if (family != Protocol.IP4 && family != Protocol.IP6) {
            return Optional.empty();
        }
        try {
            InetAddress ip = InetAddress.getByAddress(c.get(0).value());
            return Optional.of(new InetSocketAddress(ip, tcpPort(c.get(1))));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a validated IP component has the wrong length", e);
        }
    }

    /** {@code /ip4/<addr>/tcp/<port>} or {@code /ip6/<addr>/tcp/<port>} for an IP socket address (any zone dropped). */
    public static Multiaddr fromInetSocketAddress(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved socket address: " + address);
        }
        Protocol family = ip instanceof Inet4Address ? Protocol.IP4 : Protocol.IP6;
        byte[] port = ByteBuffer.allocate(2).putShort((short) address.getPort()).array();
        return Multiaddr.of(new Component(family, ip.getAddress()), new Component(Protocol.TCP, port));
    }

    /** The port of a {@code /tcp} component. */
    public static int tcpPort(Component tcp) {
        if (tcp.protocol() != Protocol.TCP) {
            throw new IllegalArgumentException("not a /tcp component: " + tcp);
        }
        byte[] v = tcp.value();
        return (v[0] & 0xFF) << 8 | (v[1] & 0xFF);
    }
}
