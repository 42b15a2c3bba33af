package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Peerstore;
import org.jlibp2p.kademlia.record.ProviderRecord;
import org.jlibp2p.kademlia.record.ProviderStore;
import org.jlibp2p.kademlia.record.RecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's files: the DHT log across torn writes, the peerstore snapshot's expiry, the lock. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DataDirTest {
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    /** Opens the log in {@code dir}, as a daemon does at start, into fresh stores. */
    private record Opened(DhtLog log, RecordStore records, ProviderStore providers) {}

    private Opened open(Instant now) throws IOException {
        DhtLog log = DhtLog.open(dir, now);
        RecordStore r = RecordStore.defaults();
        ProviderStore p = ProviderStore.defaults();
        log.attach(r, p);
        return new Opened(log, r, p);
    }

    @Test
    void theLogKeepsWhatWasStoredAndDropsATornTail() throws Exception {
        PeerId provider = peer();
        Multiaddr addr = Multiaddr.parse("/ip4/10.1.2.3/tcp/4001");
        Opened o = open(NOW);
        o.records().put(b("/k/1"), b("one"), NOW);
        o.records().put(b("/k/2"), b("two"), NOW);
        o.records().put(b("/k/1"), b("one, again"), NOW);
        o.records().put(b("/k/3"), b("three"), NOW);
        o.records().remove(b("/k/3"));
        o.providers().add(b("cid"), provider, List.of(addr), NOW);
        o.log().close();

        // a crash in the middle of an append: a header announcing more than was written
        Path file = dir.resolve(DhtLog.FILE);
        long good = Files.size(file);
        Files.write(file, ByteBuffer.allocate(12).putInt(100).putInt(7).putInt(42).array(),
                StandardOpenOption.APPEND);

        Opened again = open(NOW);
        assertArrayEquals(b("one, again"), again.records().get(b("/k/1"), NOW).orElseThrow().value());
        assertArrayEquals(b("two"), again.records().get(b("/k/2"), NOW).orElseThrow().value());
        assertTrue(again.records().get(b("/k/3"), NOW).isEmpty(), "removed stays removed");
        List<ProviderRecord> ps = again.providers().get(b("cid"), NOW);
        assertEquals(1, ps.size());
        assertEquals(provider, ps.getFirst().provider());
        assertEquals(List.of(addr), ps.getFirst().addresses());
        assertTrue(Files.size(file) <= good, "the torn tail is gone, and the log compacted");

        // appends after the repair are kept; a flipped byte in the last entry costs only that entry
        again.records().put(b("/k/4"), b("four"), NOW);
        again.records().put(b("/k/5"), b("five"), NOW);
        again.log().close();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        Opened third = open(NOW);
        assertArrayEquals(b("four"), third.records().get(b("/k/4"), NOW).orElseThrow().value());
        assertTrue(third.records().get(b("/k/5"), NOW).isEmpty(), "the damaged entry is dropped");
        assertArrayEquals(b("two"), third.records().get(b("/k/2"), NOW).orElseThrow().value());
        third.log().close();
    }

    @Test
    void aLargeRecordAndWhatFollowsItSurvive() throws Exception {
        Opened o = open(NOW);
        byte[] big = new byte[5 << 20];   // larger than any DHT message, as a local put may be
        new java.util.Random(1).nextBytes(big);
        o.records().put(b("/big"), big, NOW);
        o.records().put(b("/after"), b("small"), NOW);
        o.log().close();
        Opened again = open(NOW);
        assertArrayEquals(big, again.records().get(b("/big"), NOW).orElseThrow().value());
        assertArrayEquals(b("small"), again.records().get(b("/after"), NOW).orElseThrow().value());
        again.log().close();
    }

    @Test
    void expiredRecordsAreNotLoaded() throws Exception {
        Opened o = open(NOW);
        Instant old = NOW.minus(RecordStore.DEFAULT_EXPIRY).minusSeconds(60);
        o.records().put(b("/old"), b("x"), old);
        o.records().put(b("/new"), b("y"), NOW);
        o.log().close();
        DhtLog log = DhtLog.open(dir, NOW);
        assertEquals(1, log.loaded().records().size());
        assertArrayEquals(b("/new"), log.loaded().records().getFirst().key());
        log.close();
    }

    @Test
    void aFileThatIsNotALogIsRefused() throws Exception {
        Files.writeString(dir.resolve(DhtLog.FILE), "hello");
        assertThrows(IOException.class, () -> DhtLog.open(dir, NOW));
    }

    @Test
    void peerstoreSnapshotKeepsKeysProtocolsAndAddressesUntilTheyExpire() throws Exception {
        KeyPair rsa = Keys.generateRsa(2048);
        PeerId p = PeerId.fromPublicKey(rsa.publicKey());
        PeerId self = peer();
        Multiaddr addr = Multiaddr.parse("/ip4/192.0.2.7/tcp/4001");
        Peerstore store = new Peerstore();
        store.addAddresses(p, List.of(addr));
        store.putPublicKey(p, rsa.publicKey());
        store.setProtocols(p, List.of("/ipfs/kad/1.0.0", "/x/web"));
        store.putMetadata(p, Peerstore.AGENT_VERSION, "go-libp2p/0.40");
        store.addAddresses(self, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")));
        new PeerstoreSnapshot(dir).save(store, Set.of(p), self, NOW);

        Peerstore soon = new Peerstore();
        assertEquals(1, new PeerstoreSnapshot(dir).restore(soon, NOW.plus(Duration.ofMinutes(10))));
        assertEquals(List.of(addr), soon.addresses(p));
        assertEquals(rsa.publicKey(), soon.publicKey(p).orElseThrow());
        assertEquals(Set.of("/ipfs/kad/1.0.0", "/x/web"), soon.protocols(p));
        assertEquals("go-libp2p/0.40", soon.metadata(p, Peerstore.AGENT_VERSION).orElseThrow());
        assertTrue(soon.addresses(self).isEmpty(), "the node itself is not kept");

        Peerstore late = new Peerstore();
        assertEquals(0, new PeerstoreSnapshot(dir).restore(late,
                NOW.plus(PeerstoreSnapshot.ADDRESS_TTL).plusSeconds(1)));
        assertTrue(late.peers().isEmpty(), "expired addresses, and their peer, are not restored");

        // a damaged snapshot is reported, not half-loaded
        Path file = dir.resolve(PeerstoreSnapshot.FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(file, bytes);
        assertThrows(IOException.class, () -> new PeerstoreSnapshot(dir).restore(new Peerstore(), NOW));
    }

    @Test
    void theDirectorysKeyIsMadeOnceAndIdWins() throws Exception {
        Path data = dir.resolve("data");
        PeerId first;
        try (P2pd.Daemon d = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "d1", "-dataDir", data.toString())) {
            first = d.swarm().localPeer();
        }
        try (P2pd.Daemon d = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "d2", "-dataDir", data.toString())) {
            assertEquals(first, d.swarm().localPeer(), "a stopped daemon released the directory; its key is reused");
        }
        org.jlibp2p.core.crypto.PrivateKey key = Keys.generateEd25519().privateKey();
        org.jlibp2p.core.crypto.KeyFiles.save(dir.resolve("id.key"), key);
        try (P2pd.Daemon d = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "d3", "-dataDir", data.toString(),
                "-id", dir.resolve("id.key").toString())) {
            assertEquals(PeerId.fromPublicKey(key.publicKey()), d.swarm().localPeer(), "-id wins");
        }
        assertEquals(first, PeerId.fromPublicKey(org.jlibp2p.core.crypto.KeyFiles.load(
                data.resolve(DataDir.IDENTITY)).publicKey()), "and leaves the directory's key alone");
    }

    @Test
    void oneDaemonPerDirectoryAndTheKeyIsKept() throws Exception {
        Path data = dir.resolve("data");
        try (DataDir first = DataDir.open(data)) {
            PeerId id = PeerId.fromPublicKey(first.identity().publicKey());
            IOException e = assertThrows(IOException.class, () -> DataDir.open(data));
            assertTrue(e.getMessage().contains("in use by another daemon"), e.getMessage());
            assertEquals(id, PeerId.fromPublicKey(first.identity().publicKey()));
        }
        try (DataDir second = DataDir.open(data)) {
            assertTrue(Files.exists(second.path().resolve(DataDir.IDENTITY)));
        }
    }

    @Test
    void theRoutingTableSnapshotIsReadBackAndADamagedOneIsIgnored() throws Exception {
        List<org.jlibp2p.kademlia.PeerInfo> table = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            table.add(new org.jlibp2p.kademlia.PeerInfo(peer(), List.of(Multiaddr.parse("/ip4/10.0.0." + i
                    + "/tcp/4001"), Multiaddr.parse("/ip6/::1/tcp/" + (4000 + i)))));
        }
        RoutingTableSnapshot snapshot = new RoutingTableSnapshot(dir);
        snapshot.save(table);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(snapshot.file())));
        assertEquals(table, new RoutingTableSnapshot(dir).load(100));
        assertEquals(table.subList(0, 3), new RoutingTableSnapshot(dir).load(3), "no more than asked for");

        byte[] good = Files.readAllBytes(snapshot.file());
        List<String> warnings = warnings(() -> {
            // cut short, a flipped byte, another file, empty: each is ignored with a warning
            Files.write(snapshot.file(), java.util.Arrays.copyOf(good, good.length - 7));
            assertEquals(List.of(), snapshot.load(100));
            byte[] flipped = good.clone();
            flipped[flipped.length - 9] ^= 0x10;
            Files.write(snapshot.file(), flipped);
            assertEquals(List.of(), snapshot.load(100));
            Files.writeString(snapshot.file(), "hello");
            assertEquals(List.of(), snapshot.load(100));
            Files.write(snapshot.file(), new byte[0]);
            assertEquals(List.of(), snapshot.load(100));
        });
        assertEquals(4, warnings.size(), warnings.toString());
        assertTrue(warnings.stream().allMatch(w -> w.contains("routing table")), warnings.toString());
    }

    @Test
    void aDaemonStartsOnADamagedRoutingTable() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("dht"));
        Files.writeString(data.resolve("dht").resolve(RoutingTableSnapshot.FILE), "jlibp2p-kad-table-v1 and then junk");
        List<String> warnings = warnings(() -> {
            try (P2pd.Daemon d = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "d", "-dataDir",
                    data.toString(), "-dht")) {
                assertEquals(0, d.dht().orElseThrow().routingTableSize());
            }
        });
        assertTrue(warnings.stream().anyMatch(w -> w.contains("ignoring the saved routing table")),
                warnings.toString());
    }

    private interface Action {
        void run() throws Exception;
    }

    /** The WARNING lines of the routing table snapshot logged while {@code action} runs. */
    private static List<String> warnings(Action action) throws Exception {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(RoutingTableSnapshot.class.getName());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    lines.add(r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(h);
        try {
            action.run();
        } finally {
            logger.removeHandler(h);
        }
        return lines;
    }
}
