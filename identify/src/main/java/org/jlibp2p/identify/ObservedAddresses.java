package org.jlibp2p.identify;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;

/**
 * The addresses peers say they see this node at, and who said so: an address is confirmed once peers at enough
 * distinct IP addresses agree (so that one host, or one peer repeating itself, cannot make the node advertise an
 * address). Bounded: the addresses heard of longest ago give way, and each keeps a bounded set of observers.
 * Confined to the behaviour's thread.
 */
final class ObservedAddresses {
    static final int MAX_ADDRESSES = 128;

    private final int threshold;
    private final Map<Multiaddr, Set<String>> observers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Multiaddr, Set<String>> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };
    private final Set<Multiaddr> confirmed = new HashSet<>();

    ObservedAddresses(int threshold) {
        this.threshold = threshold;
    }

    /**
     * Records that the peer at {@code observer} sees this node at {@code address}; returns true the first time the
     * address reaches the threshold.
     */
    boolean report(Multiaddr address, Multiaddr observer) {
        if (threshold == 0 || confirmed.contains(address) || confirmed.size() >= MAX_ADDRESSES) {
            return false;
        }
        Set<String> who = observers.computeIfAbsent(address, a -> new HashSet<>());
        if (who.size() < threshold) {
            who.add(host(observer));
        }
        if (who.size() >= threshold) {
            confirmed.add(address);
            observers.remove(address);
            return true;
        }
        return false;
    }

    /** The observer's IP address (its first component), or the whole address for transports without one. */
    private static String host(Multiaddr observer) {
        for (Component c : observer.components()) {
            if (c.protocol() == Protocol.IP4 || c.protocol() == Protocol.IP6) {
                return c.valueString();
            }
        }
        return observer.toString();
    }
}
