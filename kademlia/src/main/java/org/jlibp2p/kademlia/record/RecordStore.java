package org.jlibp2p.kademlia.record;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;

/**
 * Values this node stores for other peers (PUT_VALUE), at most one per key, kept for {@code expiry} after they were
 * received, within a count and a total-bytes limit. What is stored must have been validated first: the store checks
 * nothing about keys and values.
 *
 * <p>A record's size is its key's and value's lengths plus {@value #ENTRY_OVERHEAD} bytes, what the JVM spends on
 * the objects that hold it (measured on 64-bit HotSpot: a full default store of 300-byte values takes within 1% of
 * what it counts), so that the byte limit bounds the heap the store takes. A put that would pass a limit first drops the expired records received earliest, then
 * is refused if it still would (with a rate-limited INFO line saying why). Replacing a key's record replaces its
 * size and its time of reception.
 *
 * <p>Time comes in as {@code now}; the store reads no clock. It assumes {@code now} never goes backwards: reception
 * times then keep the order of insertion, so the expired records are found at the start of that order. Not
 * thread-safe: the behaviour that owns it uses it from one thread.
 */
public final class RecordStore {
    /**
     * How long a record is kept after it was received: 48 hours, go-libp2p-kad-dht's record age limit (and the
     * provider record validity the spec names). Publishers republish sooner.
     */
    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(48);

    /**
     * Records kept at most by {@link #defaults()}. A server of the public DHT holds the records whose keys fall
     * among its 20 closest peers: a few thousand on a network of ten thousand servers. This leaves room for ten
     * times that and still bounds the store's bookkeeping.
     */
    public static final int DEFAULT_MAX_RECORDS = 65_536;

    /**
     * Bytes kept at most by {@link #defaults()}: 64 MiB, enough for the default count of records of 1 KiB (an IPNS
     * record is about 300 bytes, a public key record under 300 except RSA's), a small share of a node's heap.
     */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** Bytes counted for each record on top of its key and value. */
    public static final int ENTRY_OVERHEAD = 224;

    private final int maxRecords;
    private final long maxBytes;
    private final Duration expiry;
    private final LinkedHashMap<ByteKey, Held> records = new LinkedHashMap<>();
    private final Refusals refusals = new Refusals(RecordStore.class, "record store");
    private long bytes;
    private Listener listener;

    /**
     * Told of each record stored and each removed, on the thread that uses the store, once the store holds the
     * change: a hook to keep the records elsewhere too (on disk). Expiry is not reported: it follows from the
     * records' times of reception. An exception it throws reaches the caller of the store.
     */
    public interface Listener {
        void stored(StoredRecord record);

        void removed(byte[] key);
    }

    /** Sets the one listener of this store (null for none). */
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public RecordStore(int maxRecords, long maxBytes, Duration expiry) {
        if (maxRecords <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxRecords + " records, " + maxBytes
                    + " bytes");
        }
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("expiry must be positive, not " + expiry);
        }
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.expiry = expiry;
    }

    /** {@value #DEFAULT_MAX_RECORDS} records, {@link #DEFAULT_MAX_BYTES} bytes, kept {@link #DEFAULT_EXPIRY}. */
    public static RecordStore defaults() {
        return new RecordStore(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES, DEFAULT_EXPIRY);
    }

    /**
     * Stores {@code value} under {@code key}, received at {@code now}, replacing the key's record if it has one.
     *
     * @return false, storing nothing, when the store is full even after dropping expired records
     */
    public boolean put(byte[] key, byte[] value, Instant now) {
        Objects.requireNonNull(now, "now");
        StoredRecord record = new StoredRecord(key, value, now);
        ByteKey k = new ByteKey(key.clone());
        long size = (long) key.length + value.length + ENTRY_OVERHEAD;
        String full = full(k, size);
        if (full != null) {
            dropExpiredOldest(now);
            full = full(k, size);
            if (full != null) {
                refusals.refused(full, now);
                return false;
            }
        }
        Held old = records.remove(k);
        if (old != null) {
            bytes -= old.size();
        }
        records.put(k, new Held(record, size));
        bytes += size;
        if (listener != null) {
            listener.stored(record);
        }
        return true;
    }

    /** Why a record of {@code size} bytes under {@code k} cannot be stored now, or null if it can. */
    private String full(ByteKey k, long size) {
        Held old = records.get(k);
        if (old == null && records.size() >= maxRecords) {
            return "it holds the most records it may, " + maxRecords;
        }
        long after = bytes - (old == null ? 0 : old.size()) + size;
        if (after > maxBytes) {
            return "a record of " + size + " bytes would take it to " + after + " bytes, over its limit of "
                    + maxBytes;
        }
        return null;
    }

    /** The record under {@code key}, unless there is none or it has expired (then it is dropped). */
    public Optional<StoredRecord> get(byte[] key, Instant now) {
        ByteKey k = new ByteKey(key);
        Held h = records.get(k);
        if (h == null) {
            return Optional.empty();
        }
        if (expired(h, now)) {
            records.remove(k);
            bytes -= h.size();
            return Optional.empty();
        }
        return Optional.of(h.record());
    }

    /** Drops the record under {@code key}; whether there was one. */
    public boolean remove(byte[] key) {
        Held h = records.remove(new ByteKey(key));
        if (h != null) {
            bytes -= h.size();
            if (listener != null) {
                listener.removed(key.clone());
            }
        }
        return h != null;
    }

    /** Records held, expired ones not yet dropped included. */
    public int size() {
        return records.size();
    }

    /** Bytes held, as counted against the limit. */
    public long bytes() {
        return bytes;
    }

    /** Puts refused so far because the store was full. */
    public long refused() {
        return refusals.total();
    }

    /** Drops every record expired at {@code now}. */
    public void expire(Instant now) {
        Iterator<Held> it = records.values().iterator();
        while (it.hasNext()) {
            Held h = it.next();
            if (expired(h, now)) {
                it.remove();
                bytes -= h.size();
            }
        }
    }

    /** Drops expired records from the start of the reception order, up to the first one still valid. */
    private void dropExpiredOldest(Instant now) {
        Iterator<Held> it = records.values().iterator();
        while (it.hasNext()) {
            Held h = it.next();
            if (!expired(h, now)) {
                return;
            }
            it.remove();
            bytes -= h.size();
        }
    }

    private boolean expired(Held h, Instant now) {
        return now.isAfter(h.record().received().plus(expiry));
    }

    /** A record and its size as counted. */
    private record Held(StoredRecord record, long size) {}
}
