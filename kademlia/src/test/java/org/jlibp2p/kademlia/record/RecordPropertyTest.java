package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/** Properties of the record codecs and stores over generated inputs (jqwik; each a bounded number of tries). */
class RecordPropertyTest {
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range RFC 3339 can write. */
    private static final long FIRST_SECOND = -62167219200L;
    private static final long LAST_SECOND = 253402300799L;
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final List<PeerId> PEERS = List.of(ProviderStoreTest.peer(1), ProviderStoreTest.peer(2),
            ProviderStoreTest.peer(3), ProviderStoreTest.peer(4));

    @Property(tries = 200)
    void ipnsRecordsSurviveEncodeAndDecode(@ForAll @Size(max = 300) byte[] value, @ForAll long sequence,
            @ForAll @LongRange(min = FIRST_SECOND, max = LAST_SECOND) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos, @ForAll @LongRange(min = 0) long ttlNanos)
            throws Exception {
        Instant validity = Instant.ofEpochSecond(seconds, nanos);
        IpnsRecord record = IpnsRecord.create(TestKeys.ED25519, value, sequence, validity, Duration.ofNanos(ttlNanos));
        byte[] bytes = record.encode();
        IpnsRecord back = IpnsRecord.decode(bytes);
        assertEquals(record, back);
        assertArrayEquals(value, back.value());
        assertEquals(validity, back.validity());
        assertEquals(sequence, back.sequence());
        assertEquals(Duration.ofNanos(ttlNanos), back.ttl());
        assertArrayEquals(bytes, back.encode());
        byte[] key = IpnsRecord.keyFor(PeerId.fromPublicKey(TestKeys.ED25519.publicKey()));
        new IpnsValidator().validate(key, bytes, validity);
    }

    /** A valid record with one byte changed, or cut short, is decoded or refused cleanly, and never validates. */
    @Property(tries = 1000)
    void damagedRecordsAreRefusedCleanly(@ForAll @IntRange(min = 0, max = 10_000) int at,
            @ForAll @IntRange(min = 1, max = 255) int xor, @ForAll boolean truncate) {
        byte[] bytes = IpnsRecord.create(TestKeys.ED25519, "/ipfs/bafkqaddwgevxmmraojswg33smq".getBytes(), 7,
                T0.plusSeconds(3600), Duration.ofMinutes(5)).encode();
        int i = at % bytes.length;
        byte[] damaged;
        if (truncate) {
            damaged = java.util.Arrays.copyOf(bytes, i);
        } else {
            damaged = bytes.clone();
            damaged[i] ^= (byte) xor;
        }
        byte[] key = IpnsRecord.keyFor(PeerId.fromPublicKey(TestKeys.ED25519.publicKey()));
        try {
            IpnsRecord.decode(damaged);
        } catch (InvalidRecordException refused) {
            // refused cleanly
        }
        try {
            new IpnsValidator().validate(key, damaged, T0);
            // only a change the signature does not cover may pass: the legacy V1 signature's bytes
            IpnsRecord original = IpnsRecord.decode(bytes);
            IpnsRecord accepted = IpnsRecord.decode(damaged);
            assertArrayEquals(original.data(), accepted.data());
            assertArrayEquals(original.signatureV2(), accepted.signatureV2());
        } catch (InvalidRecordException refused) {
            // refused cleanly
        }
    }

    /** Whatever the bytes, reading CBOR ends in a map or in InvalidRecordException, never another exception. */
    @Property(tries = 2000)
    void anyBytesAreReadAsCborOrRefusedCleanly(@ForAll @Size(max = 64) byte[] tail, @ForAll boolean oneEntry) {
        byte[] bytes = new byte[tail.length + 1];
        bytes[0] = (byte) (oneEntry ? 0xa1 : 0xa3);
        System.arraycopy(tail, 0, bytes, 1, tail.length);
        try {
            DagCbor.readMap(bytes);
        } catch (InvalidRecordException refused) {
            // refused cleanly
        }
    }

    @Property(tries = 500)
    void rfc3339ReadsWhatItWrites(@ForAll @LongRange(min = FIRST_SECOND, max = LAST_SECOND) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) throws Exception {
        Instant t = Instant.ofEpochSecond(seconds, nanos);
        assertEquals(t, Rfc3339.parse(Rfc3339.format(t)));
    }

    /**
     * Any sequence of puts, gets, removals and expiries with time moving forward: the store holds what a plain map
     * with the same rules would, its byte count is the sum of its records' sizes, and it never passes its limits.
     */
    @Property(tries = 300)
    void recordStoreAccountsForEveryByte(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 999) Integer> ops) {
        int maxRecords = 5;
        long maxBytes = 5L * (RecordStore.ENTRY_OVERHEAD + 20);
        Duration expiry = Duration.ofMinutes(10);
        RecordStore store = new RecordStore(maxRecords, maxBytes, expiry);
        Map<String, StoredRecord> model = new HashMap<>();
        Instant now = T0;
        for (int op : ops) {
            now = now.plusSeconds(op % 7 * 30);
            String k = "k" + (op / 7 % 8);
            byte[] key = k.getBytes();
            Instant t = now;
            model.values().removeIf(r -> t.isAfter(r.received().plus(expiry)));
            switch (op % 4) {
                case 0, 1 -> {
                    byte[] value = new byte[op % 23];
                    boolean stored = store.put(key, value, now);
                    StoredRecord old = model.get(k);
                    long after = size(model) - (old == null ? 0 : sizeOf(old)) + sizeOf(key, value);
                    boolean fits = (old != null || model.size() < maxRecords) && after <= maxBytes;
                    assertEquals(fits, stored, "put " + k + " of " + value.length + " bytes");
                    if (stored) {
                        model.put(k, new StoredRecord(key, value, now));
                    }
                }
                case 2 -> assertEquals(Optional.ofNullable(model.get(k)), store.get(key, now));
                default -> {
                    store.expire(now);
                    assertEquals(model.size(), store.size());
                }
            }
            assertTrue(store.size() <= maxRecords);
            assertTrue(store.bytes() <= maxBytes);
        }
        store.expire(now);
        assertEquals(model.size(), store.size());
        assertEquals(size(model), store.bytes());
        store.expire(now.plus(expiry).plusNanos(1));
        assertEquals(0, store.size());
        assertEquals(0, store.bytes());
    }

    /** The same for providers: what a plain map of keys to providers would hold, every byte accounted for. */
    @Property(tries = 300)
    void providerStoreAccountsForEveryByte(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 9999) Integer> ops)
            throws Exception {
        int maxPerKey = 3;
        long maxBytes = 4000;
        Duration expiry = Duration.ofMinutes(10);
        ProviderStore store = new ProviderStore(maxPerKey, maxBytes, expiry);
        Map<String, LinkedHashMap<PeerId, ProviderRecord>> model = new HashMap<>();
        Instant now = T0;
        for (int op : ops) {
            now = now.plusSeconds(op % 5 * 45);
            String k = "key" + (op / 5 % 4);
            PeerId peer = PEERS.get(op / 20 % PEERS.size());
            List<Multiaddr> addrs = new ArrayList<>();
            for (int i = 0; i < op / 80 % 3; i++) {
                addrs.add(Multiaddr.parse("/ip4/10.0.0." + i + "/tcp/4001"));
            }
            Instant t = now;
            model.values().forEach(m -> m.values().removeIf(r -> t.isAfter(r.added().plus(expiry))));
            model.values().removeIf(Map::isEmpty);
            if (op % 3 == 2) {
                assertEquals(List.copyOf(model.getOrDefault(k, new LinkedHashMap<>()).values()),
                        store.get(k.getBytes(), now));
                continue;
            }
            boolean added = store.add(k.getBytes(), peer, addrs, now);
            LinkedHashMap<PeerId, ProviderRecord> providers = model.get(k);
            ProviderRecord old = providers == null ? null : providers.get(peer);
            ProviderRecord record = new ProviderRecord(peer, addrs, now);
            long after = size(model) + sizeOf(record) - (old == null ? 0 : sizeOf(old))
                    + (providers == null ? k.length() + ProviderStore.KEY_OVERHEAD : 0);
            boolean fits = (old != null || providers == null || providers.size() < maxPerKey) && after <= maxBytes;
            assertEquals(fits, added, "add " + peer + " to " + k);
            if (added) {
                LinkedHashMap<PeerId, ProviderRecord> m = model.computeIfAbsent(k, x -> new LinkedHashMap<>());
                m.remove(peer);
                m.put(peer, record);
            }
            assertTrue(store.bytes() <= maxBytes);
        }
        store.expire(now);
        assertEquals(model.size(), store.keys());
        assertEquals(size(model), store.bytes());
        store.expire(now.plus(expiry).plusNanos(1));
        assertEquals(0, store.keys());
        assertEquals(0, store.bytes());
    }

    private static long size(Map<String, ?> model) {
        long total = 0;
        for (Map.Entry<String, ?> e : model.entrySet()) {
            if (e.getValue() instanceof StoredRecord r) {
                total += sizeOf(r);
            } else {
                total += e.getKey().length() + ProviderStore.KEY_OVERHEAD;
                for (Object r : ((Map<?, ?>) e.getValue()).values()) {
                    total += sizeOf((ProviderRecord) r);
                }
            }
        }
        return total;
    }

    private static long sizeOf(StoredRecord r) {
        return sizeOf(r.key(), r.value());
    }

    private static long sizeOf(byte[] key, byte[] value) {
        return key.length + value.length + RecordStore.ENTRY_OVERHEAD;
    }

    private static long sizeOf(ProviderRecord r) {
        long size = ProviderStore.PROVIDER_OVERHEAD + r.provider().bytes().length;
        for (Multiaddr a : r.addresses()) {
            size += ProviderStore.ADDRESS_OVERHEAD + a.bytes().length;
        }
        return size;
    }
}
