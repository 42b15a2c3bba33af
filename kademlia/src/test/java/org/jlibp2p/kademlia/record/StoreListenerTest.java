package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stores' listeners hear of what the store holds, and of nothing it refused. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StoreListenerTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordStoreReportsStoresAndRemovals() {
        RecordStore store = new RecordStore(1, 1 << 20, Duration.ofHours(1));
        List<String> heard = new ArrayList<>();
        store.setListener(new RecordStore.Listener() {
            @Override
            public void stored(StoredRecord r) {
                heard.add("stored " + new String(r.key(), StandardCharsets.UTF_8) + "="
                        + new String(r.value(), StandardCharsets.UTF_8));
            }

            @Override
            public void removed(byte[] key) {
                heard.add("removed " + new String(key, StandardCharsets.UTF_8));
            }
        });
        store.put(b("a"), b("1"), NOW);
        store.put(b("b"), b("2"), NOW);          // refused: the store holds one record at most
        store.put(b("a"), b("3"), NOW);
        store.remove(b("b"));                    // nothing to remove
        store.remove(b("a"));
        assertEquals(List.of("stored a=1", "stored a=3", "removed a"), heard);
    }

    @Test
    void providerStoreReportsAdditions() {
        ProviderStore store = new ProviderStore(1, 1 << 20, Duration.ofHours(1));
        PeerId p = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
        PeerId q = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
        List<PeerId> heard = new ArrayList<>();
        store.setListener((key, r) -> heard.add(r.provider()));
        store.add(b("k"), p, List.of(), NOW);
        store.add(b("k"), q, List.of(), NOW);     // refused: one provider a key
        store.add(b("k"), p, List.of(), NOW.plusSeconds(1));
        assertEquals(List.of(p, p), heard);
    }
}
