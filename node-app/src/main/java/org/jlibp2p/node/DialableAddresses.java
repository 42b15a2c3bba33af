package org.jlibp2p.node;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;

/**
 * Turns listen addresses into addresses another node can dial: a wildcard ({@code /ip4/0.0.0.0/...} or
 * {@code /ip6/::/...}) becomes one address per interface address of its family, loopback included. Addresses
 * that are not wildcards pass through unchanged, so this is a no-op once the Swarm reports expanded addresses.
 */
final class DialableAddresses {
    private static final String IP4_ANY = "/ip4/0.0.0.0/";
    private static final String IP6_ANY = "/ip6/::/";

    private DialableAddresses() {}

    static List<Multiaddr> of(List<Multiaddr> listen) {
        Set<Multiaddr> out = new LinkedHashSet<>();
        for (Multiaddr a : listen) {
            String s = a.toString();
            if (s.startsWith(IP4_ANY)) {
                out.addAll(expand(s.substring(IP4_ANY.length()), "/ip4/", interfaceAddresses(false), a));
            } else if (s.startsWith(IP6_ANY)) {
                out.addAll(expand(s.substring(IP6_ANY.length()), "/ip6/", interfaceAddresses(true), a));
            } else {
                out.add(a);
            }
        }
        return List.copyOf(out);
    }

    private static List<Multiaddr> expand(String rest, String prefix, List<String> hosts, Multiaddr wildcard) {
        List<Multiaddr> out = new ArrayList<>();
        for (String h : hosts) {
            try {
                out.add(Multiaddr.parse(prefix + h + "/" + rest));
            } catch (MultiaddrException e) {
                // an interface address the multiaddr parser does not take; skip it
            }
        }
        return out.isEmpty() ? List.of(wildcard) : out;
    }

    /** Interface addresses of one family, loopback first; IPv6 link-local addresses are left out (they need a zone). */
    private static List<String> interfaceAddresses(boolean ipv6) {
        List<String> loopback = new ArrayList<>();
        List<String> other = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress ia : Collections.list(nif.getInetAddresses())) {
                    boolean family = ipv6 ? ia instanceof Inet6Address : ia instanceof Inet4Address;
                    if (!family || ia.isLinkLocalAddress()) {
                        continue;
                    }
                    String host = ia.getHostAddress();
                    int zone = host.indexOf('%');
                    if (zone >= 0) {
                        host = host.substring(0, zone);
                    }
                    (ia.isLoopbackAddress() ? loopback : other).add(host);
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        loopback.addAll(other);
        return loopback;
    }
}
