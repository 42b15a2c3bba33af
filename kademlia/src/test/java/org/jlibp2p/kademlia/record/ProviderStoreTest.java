package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ProviderStoreTest {
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final byte[] KEY = Multihash.sha256(new byte[] {1}).bytes();
    private static final byte[] OTHER_KEY = Multihash.sha256(new byte[] {2}).bytes();

    @Test
    void returnsTheProvidersOfAKeyOldestFirst() throws Exception {
        ProviderStore store = ProviderStore.defaults();
        PeerId a = peer(1);
        PeerId b = peer(2);
        List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
        assertTrue(store.add(KEY, a, addrs, T0));
        assertTrue(store.add(KEY, b, List.of(), T0.plusSeconds(1)));
        assertTrue(store.add(OTHER_KEY, b, List.of(), T0));
        List<ProviderRecord> got = store.get(KEY, T0.plusSeconds(2));
        assertEquals(List.of(new ProviderRecord(a, addrs, T0), new ProviderRecord(b, List.of(), T0.plusSeconds(1))),
                got);
        assertEquals(List.of(), store.get(Multihash.sha256(new byte[] {3}).bytes(), T0));
        assertEquals(2, store.keys());
    }

    @Test
    void aProviderAddingItselfAgainRefreshesItsRecord() throws Exception {
        ProviderStore store = ProviderStore.defaults();
        PeerId a = peer(1);
        PeerId b = peer(2);
        store.add(KEY, a, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")), T0);
        store.add(KEY, b, List.of(), T0);
        long before = store.bytes();
        List<Multiaddr> moved = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/2"));
        assertTrue(store.add(KEY, a, moved, T0.plus(Duration.ofHours(40))));
        assertEquals(before, store.bytes(), "same size of address");
        Instant later = T0.plus(Duration.ofHours(50));
        assertEquals(List.of(new ProviderRecord(a, moved, T0.plus(Duration.ofHours(40)))), store.get(KEY, later),
                "b expired at 48 h, a was refreshed at 40 h");
    }

    @Test
    void providersExpireAfterFortyEightHours() {
        ProviderStore store = ProviderStore.defaults();
        assertEquals(Duration.ofHours(48), ProviderStore.DEFAULT_EXPIRY);
        store.add(KEY, peer(1), List.of(), T0);
        Instant last = T0.plus(ProviderStore.DEFAULT_EXPIRY);
        assertEquals(1, store.get(KEY, last).size());
        assertEquals(List.of(), store.get(KEY, last.plusNanos(1)));
        assertEquals(0, store.keys(), "a key without providers is dropped");
        assertEquals(0, store.bytes());
    }

    @Test
    void expireDropsExpiredProvidersAndEmptyKeys() {
        ProviderStore store = new ProviderStore(20, 1 << 20, Duration.ofHours(1));
        store.add(KEY, peer(1), List.of(), T0);
        store.add(KEY, peer(2), List.of(), T0.plus(Duration.ofMinutes(30)));
        store.add(OTHER_KEY, peer(1), List.of(), T0);
        store.expire(T0.plus(Duration.ofMinutes(61)));
        assertEquals(1, store.keys());
        assertEquals(1, store.get(KEY, T0.plus(Duration.ofMinutes(61))).size());
        long oneProvider = store.bytes();
        assertEquals(KEY.length + ProviderStore.KEY_OVERHEAD + peer(2).bytes().length
                + ProviderStore.PROVIDER_OVERHEAD, oneProvider);
        store.expire(T0.plus(Duration.ofHours(2)));
        assertEquals(0, store.keys());
        assertEquals(0, store.bytes());
    }

    @Test
    void countsKeysProvidersAndAddresses() throws Exception {
        ProviderStore store = ProviderStore.defaults();
        Multiaddr a1 = Multiaddr.parse("/ip4/10.0.0.1/tcp/4001");
        Multiaddr a2 = Multiaddr.parse("/ip6/::1/udp/4001/quic-v1");
        store.add(KEY, peer(1), List.of(a1, a2), T0);
        long expected = KEY.length + ProviderStore.KEY_OVERHEAD + peer(1).bytes().length
                + ProviderStore.PROVIDER_OVERHEAD + 2L * ProviderStore.ADDRESS_OVERHEAD + a1.bytes().length
                + a2.bytes().length;
        assertEquals(expected, store.bytes());
    }

    @Test
    void refusesANewProviderForAFullKeyUntilOneExpires() {
        ProviderStore store = new ProviderStore(3, 1 << 20, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertTrue(store.add(KEY, peer(i), List.of(), T0.plus(Duration.ofMinutes(i))));
        }
        assertFalse(store.add(KEY, peer(3), List.of(), T0.plus(Duration.ofMinutes(10))));
        assertEquals(1, store.refused());
        assertTrue(store.add(OTHER_KEY, peer(3), List.of(), T0), "other keys have room");
        assertTrue(store.add(KEY, peer(1), List.of(), T0.plus(Duration.ofMinutes(10))), "a provider refreshes");
        // at 61 min peer 0's record (added at 0) has expired and makes room
        assertTrue(store.add(KEY, peer(3), List.of(), T0.plus(Duration.ofMinutes(61))));
        List<PeerId> providers = store.get(KEY, T0.plus(Duration.ofMinutes(61))).stream()
                .map(ProviderRecord::provider).toList();
        assertEquals(List.of(peer(2), peer(1), peer(3)), providers);
    }

    @Test
    void refusesWhatWouldPassTheByteLimitAfterDroppingExpiredRecords() {
        long one = KEY.length + ProviderStore.KEY_OVERHEAD + peer(0).bytes().length + ProviderStore.PROVIDER_OVERHEAD;
        long limit = one + peer(1).bytes().length + ProviderStore.PROVIDER_OVERHEAD;
        ProviderStore store = new ProviderStore(20, limit, Duration.ofHours(1));
        assertTrue(store.add(KEY, peer(0), List.of(), T0));
        assertTrue(store.add(KEY, peer(1), List.of(), T0.plus(Duration.ofMinutes(30))));
        assertEquals(limit, store.bytes());
        assertFalse(store.add(KEY, peer(2), List.of(), T0.plus(Duration.ofMinutes(59))));
        assertFalse(store.add(OTHER_KEY, peer(2), List.of(), T0.plus(Duration.ofMinutes(59))));
        assertTrue(store.add(KEY, peer(2), List.of(), T0.plus(Duration.ofMinutes(61))), "peer 0 expired");
        assertEquals(limit, store.bytes());
        assertEquals(2, store.refused());
    }

    @Test
    void keepsAtMostThirtyTwoAddressesOfAProvider() throws Exception {
        ProviderStore store = ProviderStore.defaults();
        List<Multiaddr> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(Multiaddr.parse("/ip4/10.0.0." + i + "/tcp/4001"));
        }
        store.add(KEY, peer(1), many, T0);
        assertEquals(many.subList(0, ProviderStore.MAX_ADDRESSES), store.get(KEY, T0).get(0).addresses());
    }

    @Test
    void refusesNonsenseLimits() {
        assertThrows(IllegalArgumentException.class, () -> new ProviderStore(0, 1, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new ProviderStore(1, 0, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new ProviderStore(1, 1, Duration.ofSeconds(-1)));
    }

    static PeerId peer(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        seed[1] = (byte) (n >> 8);
        return PeerId.fromPublicKey(Keys.ed25519FromSeed(seed).publicKey());
    }
}
