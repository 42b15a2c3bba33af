package org.jlibp2p.autonat.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;

/**
 * Which of a client's addresses a server may dial: TCP addresses ({@code /ip4|/ip6/../tcp/<port>}, the transport the
 * stack dials) with a non-zero port, never a loopback, private, link-local, unique-local, multicast or unspecified IP
 * unless {@code allowPrivate}. Whether the IP is the requester's own is the caller's business (v1 dials only those;
 * v2 asks for dial data first).
 */
public final class DialPolicy {
    private final boolean allowPrivate;

    public DialPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The IP of an address's first component, when it is {@code /ip4} or {@code /ip6}. */
    public static Optional<InetAddress> ip(Multiaddr address) {
        List<Component> c = address.components();
        if (c.isEmpty() || (c.get(0).protocol() != Protocol.IP4 && c.get(0).protocol() != Protocol.IP6)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(c.get(0).value()));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        return !(a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress() || uniqueLocal || cgnat);
    }

    /** Whether this server may dial {@code address} at all. */
    public boolean dialable(Multiaddr address) {
        Multiaddr a = address.withoutPeerId();
        List<Component> c = a.components();
        if (c.size() != 2 || c.get(1).protocol() != Protocol.TCP) {
            return false;
        }
        Optional<InetAddress> ip = ip(a);
        if (ip.isEmpty() || ip.get().isAnyLocalAddress() || ip.get().isMulticastAddress()) {
            return false;
        }
        byte[] port = c.get(1).value();
        if (port[0] == 0 && port[1] == 0) {
            return false;
        }
        return allowPrivate || isPublic(ip.get());
    }

    /** Whether {@code address} is at the same IP as {@code observed}, the address the request came from. */
    public static boolean sameIp(Multiaddr address, Multiaddr observed) {
        Optional<InetAddress> a = ip(address);
        Optional<InetAddress> o = ip(observed);
        return a.isPresent() && o.isPresent() && a.get().equals(o.get());
    }

    /** v1: the addresses to try, in the client's order: dialable and at the requester's IP. */
    public List<Multiaddr> v1Targets(List<Multiaddr> requested, Multiaddr observed) {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : requested) {
            Multiaddr bare = a.withoutPeerId();
            if (dialable(bare) && sameIp(bare, observed) && !out.contains(bare)) {
                out.add(bare);
            }
        }
        return out;
    }
}
