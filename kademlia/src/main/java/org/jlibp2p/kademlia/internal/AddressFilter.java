package org.jlibp2p.kademlia.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;

/**
 * Which addresses the DHT learns from peers and hands out: all of them on a LAN or in tests, and on the public network
 * only those that are not loopback, private, link-local, unique-local or unspecified (such an address leads, at best,
 * to a failed dial, and at worst into the dialler's own network). Addresses without an IP are kept.
 */
public final class AddressFilter {
    private final boolean keepPrivate;

    public AddressFilter(boolean keepPrivate) {
        this.keepPrivate = keepPrivate;
    }

    public List<Multiaddr> filter(List<Multiaddr> addresses) {
        List<Multiaddr> out = new ArrayList<>(addresses.size());
        for (Multiaddr a : addresses) {
            if (!out.contains(a) && (keepPrivate || isPublic(a))) {
                out.add(a);
            }
        }
        return out;
    }

    /** Whether {@code address} has no IP, or a globally routable one. */
    public static boolean isPublic(Multiaddr address) {
        Optional<InetAddress> ip = SocketAddresses.toInetSocketAddress(address).map(s -> s.getAddress());
        if (ip.isEmpty()) {
            return true;
        }
        InetAddress a = ip.get();
        byte[] b = a.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        return !(a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || uniqueLocal);
    }
}
