package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RecordStoreTest {
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final int OVERHEAD = RecordStore.ENTRY_OVERHEAD;

    @Test
    void storesAndReturnsAValuePerKey() {
        RecordStore store = RecordStore.defaults();
        assertTrue(store.put(key("a"), bytes("one"), T0));
        assertTrue(store.put(key("b"), bytes("two"), T0.plusSeconds(1)));
        StoredRecord a = store.get(key("a"), T0.plusSeconds(2)).orElseThrow();
        assertArrayEquals(key("a"), a.key());
        assertArrayEquals(bytes("one"), a.value());
        assertEquals(T0, a.received());
        assertEquals(Optional.empty(), store.get(key("c"), T0));
        assertEquals(2, store.size());
        assertEquals(2L * (4 + 3 + OVERHEAD), store.bytes());
    }

    @Test
    void keepsItsOwnCopies() {
        RecordStore store = RecordStore.defaults();
        byte[] key = key("a");
        byte[] value = bytes("one");
        store.put(key, value, T0);
        key[0] = 'x';
        value[0] = 'x';
        assertArrayEquals(bytes("one"), store.get(key("a"), T0).orElseThrow().value());
        store.get(key("a"), T0).orElseThrow().value()[0] = 'y';
        assertArrayEquals(bytes("one"), store.get(key("a"), T0).orElseThrow().value());
    }

    @Test
    void aNewValueReplacesTheOldOneAndItsSizeAndTime() {
        RecordStore store = RecordStore.defaults();
        store.put(key("a"), bytes("short"), T0);
        store.put(key("a"), bytes("much longer"), T0.plusSeconds(10));
        assertEquals(1, store.size());
        assertEquals(4 + 11 + OVERHEAD, store.bytes());
        assertEquals(T0.plusSeconds(10), store.get(key("a"), T0.plusSeconds(10)).orElseThrow().received());
    }

    @Test
    void recordsExpireAfterTheExpiry() {
        RecordStore store = RecordStore.defaults();
        assertEquals(Duration.ofHours(48), RecordStore.DEFAULT_EXPIRY);
        store.put(key("a"), bytes("one"), T0);
        Instant last = T0.plus(RecordStore.DEFAULT_EXPIRY);
        assertTrue(store.get(key("a"), last).isPresent(), "still there at the last instant");
        assertEquals(Optional.empty(), store.get(key("a"), last.plusNanos(1)));
        assertEquals(0, store.size(), "an expired record found by get is dropped");
        assertEquals(0, store.bytes());
    }

    @Test
    void expireDropsEveryExpiredRecordAndNothingElse() {
        RecordStore store = new RecordStore(100, 1 << 20, Duration.ofHours(1));
        for (int i = 0; i < 10; i++) {
            store.put(key("k" + i), bytes("v"), T0.plus(Duration.ofMinutes(10L * i)));
        }
        store.expire(T0.plus(Duration.ofMinutes(95)));
        // received at 0..90 min, kept 60 min: those received before 35 min are gone
        assertEquals(6, store.size());
        assertEquals(6L * (5 + 1 + OVERHEAD), store.bytes());
        assertFalse(store.get(key("k3"), T0.plus(Duration.ofMinutes(95))).isPresent());
        assertTrue(store.get(key("k4"), T0.plus(Duration.ofMinutes(95))).isPresent());
    }

    @Test
    void refusesANewKeyWhenItHoldsTheMostRecords() {
        RecordStore store = new RecordStore(3, 1 << 20, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertTrue(store.put(key("k" + i), bytes("v"), T0));
        }
        assertFalse(store.put(key("k3"), bytes("v"), T0));
        assertEquals(3, store.size());
        assertEquals(1, store.refused());
        assertTrue(store.put(key("k1"), bytes("replaced"), T0), "a key it holds may still change");
        assertTrue(store.remove(key("k0")));
        assertFalse(store.remove(key("k0")));
        assertTrue(store.put(key("k3"), bytes("v"), T0));
    }

    @Test
    void refusesWhatWouldPassTheByteLimit() {
        long limit = 2L * (key("a").length + 10 + OVERHEAD);
        RecordStore store = new RecordStore(100, limit, Duration.ofHours(1));
        assertTrue(store.put(key("a"), new byte[10], T0));
        assertTrue(store.put(key("b"), new byte[10], T0));
        assertEquals(limit, store.bytes());
        assertFalse(store.put(key("c"), new byte[0], T0));
        assertFalse(store.put(key("a"), new byte[11], T0), "growing a record past the limit");
        assertTrue(store.put(key("a"), new byte[9], T0), "shrinking one");
        assertEquals(limit - 1, store.bytes());
        assertFalse(store.put(key("huge"), new byte[(int) limit], T0));
        assertEquals(3, store.refused());
    }

    @Test
    void aFullStoreMakesRoomByDroppingExpiredRecords() {
        RecordStore store = new RecordStore(2, 1 << 20, Duration.ofHours(1));
        store.put(key("old"), bytes("v"), T0);
        store.put(key("new"), bytes("v"), T0.plus(Duration.ofMinutes(30)));
        Instant later = T0.plus(Duration.ofMinutes(61));
        assertTrue(store.put(key("third"), bytes("v"), later));
        assertEquals(2, store.size());
        assertFalse(store.get(key("old"), later).isPresent());
        assertTrue(store.get(key("new"), later).isPresent());
        assertFalse(store.put(key("fourth"), bytes("v"), later), "nothing expired to drop");
    }

    @Test
    void saysWhyItRefusesAtMostOnceAMinute() {
        Logger logger = Logger.getLogger(RecordStore.class.getName());
        List<String> lines = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            RecordStore store = new RecordStore(1, 1 << 20, Duration.ofHours(1));
            store.put(key("a"), bytes("v"), T0);
            for (int i = 0; i < 3; i++) {
                assertFalse(store.put(key("b" + i), bytes("v"), T0.plusSeconds(i)));
            }
            assertEquals(List.of("INFO record store refused a put: it holds the most records it may, 1"), lines);
            assertFalse(store.put(key("c"), bytes("v"), T0.plus(Refusals.INTERVAL)));
            assertEquals(2, lines.size(), lines.toString());
            assertEquals("INFO record store refused a put: it holds the most records it may, 1; 2 more refused since"
                    + " the last line, 4 in all", lines.get(1));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void refusesNonsenseLimits() {
        assertThrows(IllegalArgumentException.class, () -> new RecordStore(0, 1, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new RecordStore(1, 0, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new RecordStore(1, 1, Duration.ZERO));
    }

    static byte[] key(String s) {
        return ("/p/" + s).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
