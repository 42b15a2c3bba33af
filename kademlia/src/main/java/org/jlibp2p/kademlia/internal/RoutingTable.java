package org.jlibp2p.kademlia.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.peer.PeerId;

/**
 * The k-buckets: for every length of prefix shared with the local key, up to {@code k} peers in server mode, least
 * recently seen first, plus up to {@code k} replacements waiting for a place. Peers from one IP group (an IPv4 /16, an
 * IPv6 /64) are capped per bucket and over the whole table, as go-libp2p-kad-dht's diversity filter does, so that one
 * operator's addresses cannot fill the table; loopback, private and link-local addresses are not grouped, nor are
 * addresses without an IP (in-memory). Pure state: no I/O, no clock (times are passed in). Not thread-safe.
 */
public final class RoutingTable {
    /** What {@link #add} did. */
    public enum Outcome {
        /** The peer entered a bucket. */
        ADDED,
        /** The peer was there already; its addresses and last-seen time were updated. */
        UPDATED,
        /** Its bucket is full: the peer waits among the replacements. */
        PENDING,
        /** Refused: the bucket or the table already holds as many peers of its IP group as allowed. */
        REFUSED_DIVERSITY,
        /** The local peer itself. */
        SELF
    }

    /** A peer in the table. */
    public static final class Entry {
        final PeerId peer;
        final KadKey key;
        List<Multiaddr> addresses;
        long lastSeen;
        final Optional<String> ipGroup;

        Entry(PeerId peer, KadKey key, List<Multiaddr> addresses, long lastSeen, Optional<String> ipGroup) {
            this.peer = peer;
            this.key = key;
            this.addresses = addresses;
            this.lastSeen = lastSeen;
            this.ipGroup = ipGroup;
        }

        public PeerId peer() {
            return peer;
        }

        public KadKey key() {
            return key;
        }

        public List<Multiaddr> addresses() {
            return addresses;
        }

        public long lastSeen() {
            return lastSeen;
        }
    }

    private final PeerId localPeer;
    private final KadKey local;
    private final byte[] localBytes;
    private final int k;
    private final int maxPerGroupPerBucket;
    private final int maxPerGroupInTable;
    private final List<LinkedHashMap<PeerId, Entry>> buckets = new ArrayList<>();
    private final List<LinkedHashMap<PeerId, Entry>> replacements = new ArrayList<>();
    private final long[] lastRefreshed = new long[KadKey.BITS + 1];
    private final Map<String, Integer> groupsInTable = new HashMap<>();
    private int size;
    private long version;

    public RoutingTable(PeerId localPeer, int k, int maxPerGroupPerBucket, int maxPerGroupInTable) {
        if (k < 1 || maxPerGroupPerBucket < 1 || maxPerGroupInTable < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.localPeer = localPeer;
        this.local = KadKey.of(localPeer);
        this.localBytes = local.bytes();
        this.k = k;
        this.maxPerGroupPerBucket = maxPerGroupPerBucket;
        this.maxPerGroupInTable = maxPerGroupInTable;
        for (int i = 0; i <= KadKey.BITS; i++) {
            buckets.add(new LinkedHashMap<>());
            replacements.add(new LinkedHashMap<>());
        }
    }

    public KadKey localKey() {
        return local;
    }

    /** The bucket a key falls into: the length of the prefix it shares with the local key. */
    public int bucketOf(KadKey key) {
        return local.commonPrefixLength(key);
    }

    /** Adds or refreshes a peer seen in server mode at {@code now} (nanoseconds on the node's clock). */
    public Outcome add(PeerId peer, List<Multiaddr> addresses, long now) {
        if (peer.equals(localPeer)) {
            return Outcome.SELF;
        }
        KadKey key = KadKey.of(peer);
        int b = bucketOf(key);
        LinkedHashMap<PeerId, Entry> bucket = buckets.get(b);
        Entry existing = bucket.remove(peer);
        if (existing != null) {
            if (!addresses.isEmpty() && !addresses.equals(existing.addresses)) {
                existing.addresses = List.copyOf(addresses);
                version++;
            }
            existing.lastSeen = now;
            bucket.put(peer, existing); // to the tail: most recently seen
            return Outcome.UPDATED;
        }
        Optional<String> group = ipGroup(addresses);
        if (group.isPresent()) {
            String g = group.get();
            long inBucket = bucket.values().stream().filter(e -> e.ipGroup.equals(group)).count();
            if (inBucket >= maxPerGroupPerBucket || groupsInTable.getOrDefault(g, 0) >= maxPerGroupInTable) {
                return Outcome.REFUSED_DIVERSITY;
            }
        }
        Entry entry = new Entry(peer, key, List.copyOf(addresses), now, group);
        if (bucket.size() < k) {
            insert(b, entry);
            return Outcome.ADDED;
        }
        LinkedHashMap<PeerId, Entry> waiting = replacements.get(b);
        waiting.remove(peer);
        waiting.put(peer, entry);
        if (waiting.size() > k) {
            Iterator<PeerId> oldest = waiting.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return Outcome.PENDING;
    }

    private void insert(int b, Entry entry) {
        buckets.get(b).put(entry.peer, entry);
        replacements.get(b).remove(entry.peer);
        entry.ipGroup.ifPresent(g -> groupsInTable.merge(g, 1, Integer::sum));
        size++;
        version++;
    }

    /**
     * Removes a peer that failed (a dial, a request): the most recently seen replacement of its bucket that passes
     * the diversity caps takes its place, and is returned.
     */
    public Optional<PeerId> remove(PeerId peer) {
        if (peer.equals(localPeer)) {
            return Optional.empty();
        }
        int b = bucketOf(KadKey.of(peer));
        replacements.get(b).remove(peer);
        Entry gone = buckets.get(b).remove(peer);
        if (gone == null) {
            return Optional.empty();
        }
        size--;
        version++;
        gone.ipGroup.ifPresent(g -> groupsInTable.computeIfPresent(g, (x, n) -> n <= 1 ? null : n - 1));
        List<Entry> waiting = new ArrayList<>(replacements.get(b).values());
        for (int i = waiting.size() - 1; i >= 0; i--) {
            Entry candidate = waiting.get(i);
            Optional<String> group = candidate.ipGroup;
            if (group.isPresent()) {
                long inBucket = buckets.get(b).values().stream().filter(e -> e.ipGroup.equals(group)).count();
                if (inBucket >= maxPerGroupPerBucket
                        || groupsInTable.getOrDefault(group.get(), 0) >= maxPerGroupInTable) {
                    continue;
                }
            }
            insert(b, candidate);
            return Optional.of(candidate.peer);
        }
        return Optional.empty();
    }

    public boolean contains(PeerId peer) {
        return find(peer).isPresent();
    }

    public Optional<Entry> find(PeerId peer) {
        return Optional.ofNullable(buckets.get(bucketOf(KadKey.of(peer))).get(peer));
    }

    /**
     * The {@code count} peers of the table closest to {@code target}, closest first. Only the buckets that can hold
     * them are sorted, each on its own, in the order of their distance to the target: with {@code b} the bucket of
     * the target, bucket {@code b} first; then each deeper bucket {@code i} comes before every bucket deeper than it
     * if the target's bit {@code i} differs from the local key's, and after all of them if not; then buckets
     * {@code b - 1}, {@code b - 2}, ..., each farther than the one before.
     */
    public List<Entry> closest(KadKey target, int count) {
        Comparator<Entry> byDistance = (x, y) -> target.compareDistance(x.key, y.key);
        List<Entry> out = new ArrayList<>(Math.min(count, size));
        int bt = bucketOf(target);
        addSorted(out, buckets.get(bt), byDistance, count);
        byte[] t = target.bytes();
        int[] behind = new int[KadKey.BITS];
        int behindCount = 0;
        for (int i = bt + 1; i < KadKey.BITS && out.size() < count; i++) {
            if (buckets.get(i).isEmpty()) {
                continue;
            }
            boolean differs = ((t[i >> 3] ^ localBytes[i >> 3]) & (0x80 >>> (i & 7))) != 0;
            if (differs) {
                addSorted(out, buckets.get(i), byDistance, count);
            } else {
                behind[behindCount++] = i;
            }
        }
        for (int j = behindCount - 1; j >= 0 && out.size() < count; j--) {
            addSorted(out, buckets.get(behind[j]), byDistance, count);
        }
        for (int i = bt - 1; i >= 0 && out.size() < count; i--) {
            addSorted(out, buckets.get(i), byDistance, count);
        }
        return out;
    }

    private static void addSorted(List<Entry> out, LinkedHashMap<PeerId, Entry> bucket, Comparator<Entry> order,
            int count) {
        if (bucket.isEmpty() || out.size() >= count) {
            return;
        }
        List<Entry> tier = new ArrayList<>(bucket.values());
        tier.sort(order);
        for (int i = 0; i < tier.size() && out.size() < count; i++) {
            out.add(tier.get(i));
        }
    }

    public int size() {
        return size;
    }

    /**
     * A number that changes whenever a peer enters or leaves the table or its addresses change (not when a peer is
     * only seen again): what a copy of the table compares to know whether it is stale.
     */
    public long version() {
        return version;
    }

    /** Every peer of the table, by bucket. */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(size);
        for (LinkedHashMap<PeerId, Entry> bucket : buckets) {
            all.addAll(bucket.values());
        }
        return all;
    }

    /** Peers in bucket {@code b}. */
    public int bucketSize(int b) {
        return buckets.get(b).size();
    }

    /** The deepest bucket holding a peer, or -1 when the table is empty. */
    public int deepestBucket() {
        for (int b = KadKey.BITS; b >= 0; b--) {
            if (!buckets.get(b).isEmpty()) {
                return b;
            }
        }
        return -1;
    }

    /** Notes that bucket {@code b} was refreshed (looked up) at {@code now}. */
    public void refreshed(int b, long now) {
        lastRefreshed[b] = now;
    }

    public long lastRefreshed(int b) {
        return lastRefreshed[b];
    }

    /**
     * The IP group of the first address with a public IP: "v4:a.b" for an IPv4 /16, "v6:" and the first 8 bytes for an
     * IPv6 /64. Loopback, private, link-local and non-IP addresses have none (they are not capped).
     */
    static Optional<String> ipGroup(List<Multiaddr> addresses) {
        for (Multiaddr address : addresses) {
            Optional<InetAddress> ip = SocketAddresses.toInetSocketAddress(address).map(s -> s.getAddress());
            if (ip.isEmpty()) {
                continue;
            }
            InetAddress a = ip.get();
            if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                    || isUniqueLocal(a)) {
                continue;
            }
            byte[] b = a.getAddress();
            if (a instanceof Inet4Address) {
                return Optional.of("v4:" + (b[0] & 0xff) + "." + (b[1] & 0xff));
            }
            StringBuilder sb = new StringBuilder("v6:");
            for (int i = 0; i < 8; i++) {
                sb.append(String.format("%02x", b[i]));
            }
            return Optional.of(sb.toString());
        }
        return Optional.empty();
    }

    private static boolean isUniqueLocal(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }
}
