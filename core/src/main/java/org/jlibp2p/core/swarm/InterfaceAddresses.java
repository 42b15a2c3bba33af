package org.jlibp2p.core.swarm;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;

/**
 * Turns an address bound to a wildcard ({@code /ip4/0.0.0.0/...}, {@code /ip6/::/...}) into the addresses others can
 * dial: one per address of the machine's interfaces that are up, of the same family, loopback included. IPv6
 * link-local addresses are left out (they need a zone to be dialled).
 */
final class InterfaceAddresses {
    private static final System.Logger LOG = System.getLogger(InterfaceAddresses.class.getName());

    private InterfaceAddresses() {}

    static List<Multiaddr> expand(Multiaddr bound) {
        List<Component> parts = bound.components();
        if (parts.isEmpty()) {
            return List.of(bound);
        }
        Component first = parts.getFirst();
        boolean v4 = first.protocol() == Protocol.IP4;
        boolean v6 = first.protocol() == Protocol.IP6;
        if (!v4 && !v6) {
            return List.of(bound);
        }
        Optional<InetAddress> ip = address(first);
        if (ip.isEmpty() || !ip.get().isAnyLocalAddress()) {
            return List.of(bound);
        }
        List<Multiaddr> out = new ArrayList<>();
        for (InetAddress a : interfaceAddresses()) {
            if (v4 ? !(a instanceof Inet4Address) : !(a instanceof Inet6Address) || a.isLinkLocalAddress()) {
                continue;
            }
            List<Component> replaced = new ArrayList<>(parts);
            replaced.set(0, new Component(first.protocol(), a.getAddress()));
            Multiaddr m = Multiaddr.of(replaced);
            if (!out.contains(m)) {
                out.add(m);
            }
        }
        return out.isEmpty() ? List.of(bound) : out;
    }

    private static Optional<InetAddress> address(Component c) {
        try {
            return Optional.of(InetAddress.getByAddress(c.value()));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (ni.isUp()) {
                    out.addAll(Collections.list(ni.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot list network interfaces: " + e.getMessage());
        }
        // Loopback first: it is the address every local test and tool can reach.
        out.sort((x, y) -> Boolean.compare(!x.isLoopbackAddress(), !y.isLoopbackAddress()));
        return out;
    }
}
