package org.jlibp2p.identify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Protocol;

/**
 * The addresses peers say they see this node at, and who said so: a state machine without I/O, fed reports, closed
 * connections and the time. An address is confirmed once observers in {@code threshold} distinct IP groups agree (an
 * IPv4 /16, an IPv6 /64; a loopback or private observer is its own group), so that one host, one network, or one
 * peer repeating itself cannot make the node advertise an address. An observation counts while its connection is
 * open and for {@code ttl} after it closes; a confirmed address whose agreeing groups fall below the threshold is no
 * longer confirmed. Bounded: at most {@link #MAX_ADDRESSES} addresses (those heard of longest ago give way) and
 * {@link #MAX_GROUPS} groups per address. Confined to the behaviour's thread.
 */
final class ObservedAddresses {
    static final int MAX_ADDRESSES = 128;
    static final int MAX_GROUPS = 64;

    private static final class Observation {
        final Set<Long> openConnections = new HashSet<>();
        Instant lastSeen;
    }

    private final int threshold;
    private final Duration ttl;
    private final Map<Multiaddr, Map<String, Observation>> observed = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<Multiaddr> confirmed = new HashSet<>();
    /** Which address and group each open connection reported, so that its close ends its vote's life. */
    private final Map<Long, Map.Entry<Multiaddr, String>> byConnection = new HashMap<>();

    ObservedAddresses(int threshold, Duration ttl) {
        this.threshold = threshold;
        this.ttl = ttl;
    }

    /**
     * Records that the peer at {@code observer}, over connection {@code connection}, sees this node at
     * {@code address}; returns true when this makes the address confirmed.
     */
    boolean report(long connection, Multiaddr address, Multiaddr observer, Instant now) {
        if (threshold == 0) {
            return false;
        }
        Map.Entry<Multiaddr, String> previous = byConnection.remove(connection);
        if (previous != null) {
            Map<String, Observation> groups = observed.get(previous.getKey());
            Observation o = groups == null ? null : groups.get(previous.getValue());
            if (o != null) {
                o.openConnections.remove(connection);
                o.lastSeen = now;
            }
        }
        String group = group(observer);
        Map<String, Observation> groups = observed.computeIfAbsent(address, a -> new HashMap<>());
        if (observed.size() > MAX_ADDRESSES) {
            Iterator<Multiaddr> eldest = observed.keySet().iterator();
            Multiaddr gone = eldest.next();
            eldest.remove();
            confirmed.remove(gone);
            byConnection.values().removeIf(e -> e.getKey().equals(gone));
        }
        Observation o = groups.get(group);
        if (o == null) {
            if (groups.size() >= MAX_GROUPS) {
                return false;
            }
            o = new Observation();
            groups.put(group, o);
        }
        o.openConnections.add(connection);
        o.lastSeen = now;
        byConnection.put(connection, Map.entry(address, group));
        if (!confirmed.contains(address) && active(groups, now) >= threshold) {
            confirmed.add(address);
            return true;
        }
        return false;
    }

    /** The connection closed: its observation lives on for the ttl. */
    void closed(long connection, Instant now) {
        Map.Entry<Multiaddr, String> e = byConnection.remove(connection);
        if (e == null) {
            return;
        }
        Map<String, Observation> groups = observed.get(e.getKey());
        Observation o = groups == null ? null : groups.get(e.getValue());
        if (o != null) {
            o.openConnections.remove(connection);
            o.lastSeen = now;
        }
    }

    /** Forgets what is older than the ttl; returns the addresses no longer confirmed. */
    List<Multiaddr> expire(Instant now) {
        List<Multiaddr> lost = new ArrayList<>();
        Iterator<Map.Entry<Multiaddr, Map<String, Observation>>> it = observed.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Multiaddr, Map<String, Observation>> e = it.next();
            e.getValue().values().removeIf(o -> !alive(o, now));
            if (confirmed.contains(e.getKey()) && e.getValue().size() < threshold) {
                confirmed.remove(e.getKey());
                lost.add(e.getKey());
            }
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        return lost;
    }

    boolean isConfirmed(Multiaddr address) {
        return confirmed.contains(address);
    }

    private int active(Map<String, Observation> groups, Instant now) {
        int n = 0;
        for (Observation o : groups.values()) {
            if (alive(o, now)) {
                n++;
            }
        }
        return n;
    }

    private boolean alive(Observation o, Instant now) {
        return !o.openConnections.isEmpty() || o.lastSeen.plus(ttl).isAfter(now);
    }

    /** The IP of an address's first component, when it is {@code /ip4} or {@code /ip6}. */
    static Optional<InetAddress> ip(Multiaddr address) {
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

    /**
     * The observer's IP group: the /16 of a public IPv4 address, the /64 of a public IPv6 address, the whole address
     * of a loopback, private or link-local one (on a LAN every host counts), or the whole multiaddr without an IP.
     */
    static String group(Multiaddr observer) {
        Optional<InetAddress> ip = ip(observer);
        if (ip.isEmpty()) {
            return observer.toString();
        }
        InetAddress a = ip.get();
        byte[] b = a.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || uniqueLocal) {
            return a.getHostAddress();
        }
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "/16";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.append("/64").toString();
    }
}
