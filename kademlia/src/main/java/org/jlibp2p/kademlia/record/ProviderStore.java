package org.jlibp2p.kademlia.record;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * Provider records (ADD_PROVIDER) keyed by multihash bytes: which peers said they provide a key, with the addresses
 * they gave, each kept for {@code expiry} after it was added or last refreshed, at most {@code maxPerKey} providers
 * a key and {@code maxBytes} in all. Who may add whom (a peer only itself) is the protocol's business, not the
 * store's.
 *
 * <p>A provider adding itself again refreshes its record (new addresses, new time). A new provider for a key that
 * has {@code maxPerKey} live ones is refused: the ones already there keep their place until they expire, so a
 * flood of new providers cannot push out the honest ones that republish. A provider's size is its peer id's and
 * addresses' bytes plus {@value #PROVIDER_OVERHEAD} bytes, and {@value #ADDRESS_OVERHEAD} per address; a key's is
 * its length plus {@value #KEY_OVERHEAD}: about what the JVM spends on them, so that the byte limit bounds the heap
 * the store takes. An add that would pass the byte limit first drops the expired records added earliest, then is
 * refused if it still would (with a rate-limited INFO line saying why). Only the first {@value #MAX_ADDRESSES}
 * addresses of a provider are kept.
 *
 * <p>Time comes in as {@code now}; the store reads no clock, and assumes {@code now} never goes backwards. Not
 * thread-safe.
 */
public final class ProviderStore {
    /** How long a provider record is kept: 48 hours, the spec's and go-libp2p-kad-dht's provider validity. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(48);

    /**
     * Providers kept a key by {@link #defaults()}: 20, the DHT's k, as rust-libp2p's memory store keeps. A
     * GET_PROVIDERS answer needs no more to find the content, and a key cannot grow without bound.
     */
    public static final int DEFAULT_MAX_PER_KEY = 20;

    /**
     * Bytes kept at most by {@link #defaults()}: 64 MiB, about 75,000 provider records of two addresses each. go
     * keeps provider records on disk; this store keeps them in memory, so the bound is a small share of a heap. A
     * busy server of the public DHT needs a larger one.
     */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** Addresses kept of one provider; the rest are dropped. */
    public static final int MAX_ADDRESSES = 32;

    /** Bytes counted for each key on top of its length: its map entries and provider map (64-bit HotSpot). */
    public static final int KEY_OVERHEAD = 176;

    /**
     * Bytes counted for each provider record on top of its peer id's and addresses' bytes: the record, its map
     * entries and its {@link PeerId} object (64-bit HotSpot).
     */
    public static final int PROVIDER_OVERHEAD = 368;

    /** Bytes counted for each address on top of its length: its {@link Multiaddr} object (64-bit HotSpot). */
    public static final int ADDRESS_OVERHEAD = 200;

    private final int maxPerKey;
    private final long maxBytes;
    private final Duration expiry;
    /** Every provider record, in the order it was added or last refreshed. */
    private final LinkedHashMap<Entry, Held> byAge = new LinkedHashMap<>();
    /** The provider records of each key, in the order they were added or last refreshed. */
    private final HashMap<ByteKey, LinkedHashMap<PeerId, Held>> byKey = new HashMap<>();
    private final Refusals refusals = new Refusals(ProviderStore.class, "provider store");
    private long bytes;
    private Listener listener;

    /**
     * Told of each provider record added or refreshed, on the thread that uses the store, once the store holds it:
     * a hook to keep the records elsewhere too (on disk). Expiry is not reported: it follows from the records'
     * times. An exception it throws reaches the caller of the store.
     */
    public interface Listener {
        void added(byte[] key, ProviderRecord record);
    }

    /** Sets the one listener of this store (null for none). */
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public ProviderStore(int maxPerKey, long maxBytes, Duration expiry) {
        if (maxPerKey <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxPerKey + " providers a key, "
                    + maxBytes + " bytes");
        }
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("expiry must be positive, not " + expiry);
        }
        this.maxPerKey = maxPerKey;
        this.maxBytes = maxBytes;
        this.expiry = expiry;
    }

    /**
     * {@value #DEFAULT_MAX_PER_KEY} providers a key, {@link #DEFAULT_MAX_BYTES} bytes, each kept
     * {@link #DEFAULT_EXPIRY}.
     */
    public static ProviderStore defaults() {
        return new ProviderStore(DEFAULT_MAX_PER_KEY, DEFAULT_MAX_BYTES, DEFAULT_EXPIRY);
    }

    /**
     * Records that {@code provider}, reachable at {@code addresses}, provides {@code key}, as of {@code now}.
     *
     * @return false, storing nothing, when the key has its most providers or the store its most bytes, even after
     *     dropping expired records
     */
    public boolean add(byte[] key, PeerId provider, List<Multiaddr> addresses, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(now, "now");
        List<Multiaddr> kept = List.copyOf(addresses.size() > MAX_ADDRESSES
                ? addresses.subList(0, MAX_ADDRESSES)
                : addresses);
        ByteKey k = new ByteKey(key.clone());
        ProviderRecord record = new ProviderRecord(provider, kept, now);
        long size = size(record);
        LinkedHashMap<PeerId, Held> current = byKey.get(k);
        if (current != null && current.size() >= maxPerKey && !current.containsKey(provider)) {
            dropExpired(k, current, now);
        }
        String full = full(k, provider, size);
        if (full != null) {
            dropExpiredOldest(now);
            full = full(k, provider, size);
            if (full != null) {
                refusals.refused(full, now);
                return false;
            }
        }
        LinkedHashMap<PeerId, Held> providers = byKey.get(k);
        if (providers == null) {
            providers = new LinkedHashMap<>();
            byKey.put(k, providers);
            bytes += keySize(k);
        }
        Held old = providers.remove(provider);
        if (old != null) {
            byAge.remove(new Entry(k, provider));
            bytes -= old.size();
        }
        Held held = new Held(record, size);
        providers.put(provider, held);
        byAge.put(new Entry(k, provider), held);
        bytes += size;
        if (listener != null) {
            listener.added(key.clone(), record);
        }
        return true;
    }

    /** Why {@code provider}'s record of {@code size} bytes for {@code k} cannot be stored now, or null if it can. */
    private String full(ByteKey k, PeerId provider, long size) {
        LinkedHashMap<PeerId, Held> providers = byKey.get(k);
        Held old = providers == null ? null : providers.get(provider);
        if (old == null && providers != null && providers.size() >= maxPerKey) {
            return "the key has the most providers it may, " + maxPerKey;
        }
        long after = bytes + size - (old == null ? 0 : old.size()) + (providers == null ? keySize(k) : 0);
        if (after > maxBytes) {
            return "a provider record of " + size + " bytes would take it to " + after
                    + " bytes, over its limit of " + maxBytes;
        }
        return null;
    }

    /** The live providers of {@code key}, oldest first (an unmodifiable list); expired ones are dropped. */
    public List<ProviderRecord> get(byte[] key, Instant now) {
        ByteKey k = new ByteKey(key);
        LinkedHashMap<PeerId, Held> providers = byKey.get(k);
        if (providers == null) {
            return List.of();
        }
        dropExpired(k, providers, now);
        List<ProviderRecord> out = new ArrayList<>(providers.size());
        for (Held h : providers.values()) {
            out.add(h.record());
        }
        return Collections.unmodifiableList(out);
    }

    /** Drops the expired providers of {@code k}, and {@code k} if none is left. */
    private void dropExpired(ByteKey k, LinkedHashMap<PeerId, Held> providers, Instant now) {
        Iterator<Held> it = providers.values().iterator();
        while (it.hasNext()) {
            Held h = it.next();
            if (expired(h, now)) {
                it.remove();
                byAge.remove(new Entry(k, h.record().provider()));
                bytes -= h.size();
            }
        }
        dropIfEmpty(k, providers);
    }

    /** Keys with at least one provider record, expired ones not yet dropped included. */
    public int keys() {
        return byKey.size();
    }

    /** Bytes held, as counted against the limit. */
    public long bytes() {
        return bytes;
    }

    /** Adds refused so far because the key or the store was full. */
    public long refused() {
        return refusals.total();
    }

    /** Drops every provider record expired at {@code now}, and keys left without providers. */
    public void expire(Instant now) {
        Iterator<Map.Entry<Entry, Held>> it = byAge.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Entry, Held> e = it.next();
            if (expired(e.getValue(), now)) {
                it.remove();
                removeFromKey(e.getKey(), e.getValue());
            }
        }
    }

    /** Drops expired records from the start of the order of addition, up to the first one still valid. */
    private void dropExpiredOldest(Instant now) {
        Iterator<Map.Entry<Entry, Held>> it = byAge.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Entry, Held> e = it.next();
            if (!expired(e.getValue(), now)) {
                return;
            }
            it.remove();
            removeFromKey(e.getKey(), e.getValue());
        }
    }

    private void removeFromKey(Entry entry, Held held) {
        LinkedHashMap<PeerId, Held> providers = byKey.get(entry.key());
        providers.remove(entry.provider());
        bytes -= held.size();
        dropIfEmpty(entry.key(), providers);
    }

    private void dropIfEmpty(ByteKey k, LinkedHashMap<PeerId, Held> providers) {
        if (providers.isEmpty()) {
            byKey.remove(k);
            bytes -= keySize(k);
        }
    }

    private boolean expired(Held h, Instant now) {
        return now.isAfter(h.record().added().plus(expiry));
    }

    private static long keySize(ByteKey k) {
        return (long) k.bytes().length + KEY_OVERHEAD;
    }

    private static long size(ProviderRecord r) {
        long size = PROVIDER_OVERHEAD + r.provider().bytes().length;
        for (Multiaddr a : r.addresses()) {
            size += ADDRESS_OVERHEAD + a.bytes().length;
        }
        return size;
    }

    /** One provider of one key. */
    private record Entry(ByteKey key, PeerId provider) {}

    /** A provider record and its size as counted. */
    private record Held(ProviderRecord record, long size) {}
}
