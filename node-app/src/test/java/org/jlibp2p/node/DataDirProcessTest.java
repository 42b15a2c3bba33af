package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.PeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon with {@code -dataDir}, killed with SIGKILL after storing, restarted alone: the same peer id, the
 * peerstore, the DHT records it put and those a peer put on it, and its provider record are all still there.
 */
class DataDirProcessTest {
    private static final Duration OP = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private DaemonProcesses daemons;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (daemons != null) {
            daemons.close();
        }
    }

    private Process launch(String name, String... flags) throws IOException {
        List<String> all = new ArrayList<>(List.of("-listen", "/unix" + dir.resolve(name + ".sock"),
                "-hostAddrs", "/ip4/127.0.0.1/tcp/0", "-dht"));
        all.addAll(List.of(flags));
        return daemons.launch(name, "128m", all.toArray(String[]::new));
    }

    /** Calls until the daemon answers OK, for at most 15 s (the DHT needs its first peer first). */
    private static <R extends ControlResponse> R callUntilOk(ControlClient c, ControlRequest req, Class<R> answer)
            throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                return c.call(req, answer);
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everythingStoredSurvivesSigkill() throws Exception {
        daemons = new DaemonProcesses(dir);
        Path data = dir.resolve("data");
        DaemonProcesses.Ready b = DaemonProcesses.awaitReady(launch("b"));
        Multiaddr bAddr = b.addrs().getFirst();
        Process a = launch("a", "-dataDir", data.toString(), "-bootstrapPeers", bAddr + "/p2p/" + b.peer());
        DaemonProcesses.Ready ra = DaemonProcesses.awaitReady(a);
        ControlClient ca = new ControlClient(ra.control());
        ControlClient cb = new ControlClient(b.control());

        // RSA keys: their peer ids do not inline them, so only a stored /pk/ record can answer for them
        KeyPair x = Keys.generateRsa(2048);
        KeyPair y = Keys.generateRsa(2048);
        byte[] kx = KademliaBehaviour.pkKey(PeerId.fromPublicKey(x.publicKey()));
        byte[] ky = KademliaBehaviour.pkKey(PeerId.fromPublicKey(y.publicKey()));
        Cid cid = Cid.parse("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy");
        // A puts a record and provides a CID; B puts a record, which A stores for it
        callUntilOk(ca, new ControlRequest.PutValue(kx, x.publicKey().marshal(), OP), ControlResponse.Ok.class);
        callUntilOk(cb, new ControlRequest.PutValue(ky, y.publicKey().marshal(), OP), ControlResponse.Ok.class);
        callUntilOk(ca, new ControlRequest.Provide(cid, OP), ControlResponse.Ok.class);
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> protocols(ca, b.peer())
                .contains(KademliaBehaviour.PROTOCOL_ID)), "A learnt B's protocols");
        // the peerstore is written within a second of a change; the DHT's records before each OK
        Thread.sleep(DataDir.SNAPSHOT_INTERVAL.toMillis() * 2 + 500);

        a.destroyForcibly();
        assertTrue(a.waitFor(10, TimeUnit.SECONDS));

        // restarted alone: no bootstrap peer, so whatever it knows comes from the data directory
        Process a2 = launch("a2", "-dataDir", data.toString());
        DaemonProcesses.Ready ra2 = DaemonProcesses.awaitReady(a2);
        assertEquals(ra.peer(), ra2.peer(), "the same identity");
        ControlClient ca2 = new ControlClient(ra2.control());
        assertTrue(ca2.call(new ControlRequest.ListPeers(), ControlResponse.Peers.class).peers().isEmpty());

        PeerInfo bInfo = ca2.call(new ControlRequest.GetPeerInfo(b.peer()), ControlResponse.Peer.class).peer();
        assertTrue(bInfo.addrs().contains(bAddr), "B's address kept: " + bInfo.addrs());
        assertTrue(protocols(ca2, b.peer()).contains(KademliaBehaviour.PROTOCOL_ID), "B's protocols kept");

        assertArrayEquals(x.publicKey().marshal(), value(ca2, kx), "the record A put");
        assertArrayEquals(y.publicKey().marshal(), value(ca2, ky), "the record B put on A");
        List<PeerId> providers = new ArrayList<>();
        ca2.dhtStream(new ControlRequest.FindProviders(cid, 20, OP), m -> m.peer().ifPresent(p -> providers.add(p.id())));
        assertEquals(List.of(ra.peer()), providers, "A's provider record");

        // a second daemon on the same directory is refused while the first runs
        Process twin = launch("twin", "-dataDir", data.toString());
        assertTrue(twin.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, twin.exitValue());
        assertTrue(Files.readString(daemons.stderr("twin")).contains("in use by another daemon"),
                Files.readString(daemons.stderr("twin")));

        // the key and the directories are the owner's only
        for (Path f : List.of(data.resolve("identity.key"), data.resolve("lock"), data.resolve("dht/records.log"),
                data.resolve("peerstore/peers.snapshot"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        for (Path d : List.of(data, data.resolve("dht"), data.resolve("peerstore"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
        }
        assertFalse(Files.exists(data.resolve("blocks")), "blocks/ is left to the blockstore");

        // what A provided is announced again after a restart: C, new, hears of it from A alone
        DaemonProcesses.Ready c = DaemonProcesses.awaitReady(launch("c"));
        ControlClient cc = new ControlClient(c.control());
        a2.destroyForcibly();
        assertTrue(a2.waitFor(10, TimeUnit.SECONDS));
        Process a3 = launch("a3", "-dataDir", data.toString(), "-bootstrapPeers",
                c.addrs().getFirst() + "/p2p/" + c.peer());
        DaemonProcesses.awaitReady(a3);
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(20), () -> stderr("a3")
                .contains("announced again 1 of 1 keys")), () -> stderr("a3"));
        Thread.sleep(1000);   // C reads and stores what was sent
        a3.destroyForcibly();
        assertTrue(a3.waitFor(10, TimeUnit.SECONDS));
        List<PeerId> heard = new ArrayList<>();
        // A is gone: what C answers now comes from its own store
        cc.dhtStream(new ControlRequest.FindProviders(cid, 1, Duration.ofSeconds(5)),
                m -> m.peer().ifPresent(p -> heard.add(p.id())));
        assertEquals(List.of(ra.peer()), heard, "C stored A's provider record, announced after the restart");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void noAcknowledgedPutIsLostWhenKilledInTheMiddleOfWriting() throws Exception {
        daemons = new DaemonProcesses(dir);
        Path data = dir.resolve("data");
        DaemonProcesses.Ready b = DaemonProcesses.awaitReady(launch("b"));
        Process a = launch("a", "-dataDir", data.toString(), "-bootstrapPeers",
                b.addrs().getFirst() + "/p2p/" + b.peer());
        ControlClient ca = new ControlClient(DaemonProcesses.awaitReady(a).control());
        KeyPair first = Keys.generateEd25519();
        callUntilOk(ca, new ControlRequest.PutValue(KademliaBehaviour.pkKey(PeerId.fromPublicKey(first.publicKey())),
                first.publicKey().marshal(), OP), ControlResponse.Ok.class);

        DaemonProcesses.Ready d = DaemonProcesses.awaitReady(launch("d"));

        // four clients put as fast as they can; the daemon is killed while they do
        java.util.Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    KeyPair k = Keys.generateEd25519();
                    byte[] key = KademliaBehaviour.pkKey(PeerId.fromPublicKey(k.publicKey()));
                    try {
                        ca.call(new ControlRequest.PutValue(key, k.publicKey().marshal(), OP),
                                ControlResponse.Ok.class);
                    } catch (IOException e) {
                        return; // the daemon is gone
                    }
                    acked.add(java.util.HexFormat.of().formatHex(key));
                }
            }));
        }
        Thread.sleep(1500);
        // a CONNECT answered OK right before the kill: the peer's address is on disk too
        ca.call(new ControlRequest.Connect(d.peer(), d.addrs(), OP), ControlResponse.Ok.class);
        a.destroyForcibly();
        assertTrue(a.waitFor(10, TimeUnit.SECONDS));
        for (Thread t : clients) {
            assertTrue(t.join(Duration.ofSeconds(20)));
        }
        assertTrue(acked.size() > 10, "puts acknowledged before the kill: " + acked.size());

        // what a restart loads: every acknowledged record
        java.util.Set<String> kept = new java.util.HashSet<>();
        try (DhtLog log = DhtLog.open(data.resolve("dht"), java.time.Instant.now())) {
            log.loaded().records().forEach(r -> kept.add(java.util.HexFormat.of().formatHex(r.key())));
        }
        java.util.Set<String> lost = new java.util.HashSet<>(acked);
        lost.removeAll(kept);
        assertEquals(java.util.Set.of(), lost, lost.size() + " of " + acked.size() + " acknowledged puts lost");
        System.out.println("killed while putting: " + acked.size() + " puts acknowledged, " + kept.size()
                + " records in the log");

        org.jlibp2p.core.swarm.Peerstore restored = new org.jlibp2p.core.swarm.Peerstore();
        new PeerstoreSnapshot(data.resolve("peerstore")).restore(restored, java.time.Instant.now());
        assertEquals(d.addrs(), restored.addresses(d.peer()), "the address CONNECT was given");

        // and the daemon starts on it
        DaemonProcesses.Ready again = DaemonProcesses.awaitReady(launch("a2", "-dataDir", data.toString()));
        assertTrue(new ControlClient(again.control()).call(new ControlRequest.ListPeers(),
                ControlResponse.Peers.class).peers().isEmpty());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theRoutingTableSurvivesSigkillAndLeadsBackToTheNetwork() throws Exception {
        daemons = new DaemonProcesses(dir);
        Path data = dir.resolve("data");
        DaemonProcesses.Ready b = DaemonProcesses.awaitReady(launch("b"));
        String bAt = b.addrs().getFirst() + "/p2p/" + b.peer();
        Process cp = launch("c", "-bootstrapPeers", bAt);
        DaemonProcesses.Ready c = DaemonProcesses.awaitReady(cp);
        Process a = launch("a", "-dataDir", data.toString(), "-bootstrapPeers", bAt);
        DaemonProcesses.awaitReady(a);

        // A learns C from B (its bootstrap lookup); its table is written within a second of each change
        RoutingTableSnapshot saved = new RoutingTableSnapshot(data.resolve("dht"));
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(20), () -> savedPeers(saved)
                .equals(java.util.Set.of(b.peer(), c.peer()))), () -> "saved: " + savedPeers(saved));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved.file())));
        a.destroyForcibly();
        assertTrue(a.waitFor(10, TimeUnit.SECONDS));

        // while A is down, C puts a record (it lands on B and C), then C goes away too
        KeyPair x = Keys.generateRsa(2048);
        byte[] kx = KademliaBehaviour.pkKey(PeerId.fromPublicKey(x.publicKey()));
        ControlClient cc = new ControlClient(c.control());
        callUntilOk(cc, new ControlRequest.PutValue(kx, x.publicKey().marshal(), OP), ControlResponse.Ok.class);
        cp.destroyForcibly();
        assertTrue(cp.waitFor(10, TimeUnit.SECONDS));

        // A restarts with no bootstrap peer: of its saved table B answers and C is dropped; B has the record
        Process a2 = launch("a2", "-dataDir", data.toString());
        ControlClient ca2 = new ControlClient(DaemonProcesses.awaitReady(a2).control());
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(30), () -> stderr("a2")
                .contains("1 of the 2 peers of the saved routing table answered")), () -> stderr("a2"));
        assertArrayEquals(x.publicKey().marshal(), value(ca2, kx), "the record, found through the saved table");
        assertEquals(List.of(b.peer()), ca2.call(new ControlRequest.ListPeers(), ControlResponse.Peers.class)
                .peers().stream().map(PeerInfo::id).toList());
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> savedPeers(saved)
                .equals(java.util.Set.of(b.peer()))), () -> "saved: " + savedPeers(saved));
    }

    private static java.util.Set<PeerId> savedPeers(RoutingTableSnapshot saved) {
        return saved.load(10_000).stream().map(org.jlibp2p.kademlia.PeerInfo::peer)
                .collect(java.util.stream.Collectors.toSet());
    }

    private String stderr(String name) {
        try {
            return Files.readString(daemons.stderr(name));
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> protocols(ControlClient c, PeerId peer) {
        try {
            return c.call(new ControlRequest.GetProtocols(peer), ControlResponse.Protocols.class).protocols();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static byte[] value(ControlClient c, byte[] key) throws IOException {
        return c.call(new ControlRequest.GetValue(key, OP), ControlResponse.Dht.class).message().value()
                .orElseThrow();
    }
}
