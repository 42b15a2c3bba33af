package org.jlibp2p.gossipsub;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of messages seen in the last {@code ttl} on the node's clock, so that a message is handled once however
 * many peers send it. Entries expire in insertion order; at most {@code capacity} are kept (the oldest go first).
 * Not thread-safe: the router's thread owns it.
 */
final class SeenCache {
    private final Duration ttl;
    private final int capacity;
    private final LinkedHashMap<MessageId, Instant> entries = new LinkedHashMap<>();

    SeenCache(Duration ttl, int capacity) {
        this.ttl = ttl;
        this.capacity = capacity;
    }

    /** Adds {@code id}; true if it was not seen within the TTL. */
    boolean add(MessageId id, Instant now) {
        sweep(now);
        if (entries.containsKey(id)) {
            return false;
        }
        entries.put(id, now.plus(ttl));
        if (entries.size() > capacity) {
            Iterator<MessageId> it = entries.keySet().iterator();
            it.next();
            it.remove();
        }
        return true;
    }

    boolean contains(MessageId id, Instant now) {
        Instant expiry = entries.get(id);
        return expiry != null && now.isBefore(expiry);
    }

    void sweep(Instant now) {
        Iterator<Map.Entry<MessageId, Instant>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            if (!it.next().getValue().isAfter(now)) {
                it.remove();
            } else {
                break;
            }
        }
    }

    int size() {
        return entries.size();
    }

}
