package org.jlibp2p.kademlia;

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
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.kademlia.KademliaEvent.QueryKind;
import org.jlibp2p.kademlia.record.InvalidRecordException;
import org.jlibp2p.kademlia.record.IpnsRecord;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A small DHT of 30 in-memory nodes (real Yamux, identify and Kademlia), each connected only to one of three entry
 * nodes: after bootstrap, peers, values and providers are found across the network, in more than one hop.
 */
@Timeout(120)
class KademliaNetworkTest {
    private static final int NODES = 30;
    private TestNetwork net;
    private final List<KademliaBehaviour> dht = new ArrayList<>();

    @BeforeEach
    void bootstrap() throws Exception {
        net = TestNetwork.builder().nodes(NODES).seed(11).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .behaviours(i -> {
                    KademliaBehaviour k = new KademliaBehaviour(KademliaConfig.defaults());
                    dht.add(k);
                    return List.of(new IdentifyBehaviour(), k);
                }).build();
        // Nodes 0..2 are the entry nodes, connected to each other; every other node knows one of them.
        net.connect((n, r) -> {
            List<Topology.Edge> edges = new ArrayList<>(List.of(new Topology.Edge(0, 1), new Topology.Edge(1, 2)));
            for (int i = 3; i < n; i++) {
                edges.add(new Topology.Edge(i, i % 3));
            }
            return edges;
        });
        net.require("every node bootstrapped", () -> net.nodes().stream().allMatch(n -> n.recorder()
                .emitted(KademliaEvent.QueryFinished.class).stream()
                .anyMatch(q -> q.stats().kind() == QueryKind.BOOTSTRAP)));
        // Nodes that joined early know little of those that came later: one more round, as the periodic refresh does.
        for (KademliaBehaviour k : dht) {
            k.bootstrap();
        }
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void everyNodeFindsEveryOtherThroughTheEntryNodes() throws Exception {
        int found = 0;
        for (int i = 3; i < NODES; i += 3) {
            for (int j = 4; j < NODES; j += 5) {
                if (i == j) {
                    continue;
                }
                PeerId target = net.node(j).peerId();
                Optional<PeerInfo> info = dht.get(i).findPeer(target);
                assertTrue(info.isPresent(), "node " + i + " found node " + j);
                assertEquals(target, info.get().peer());
                assertEquals(List.of(net.node(j).address().withoutPeerId()), info.get().addresses());
                found++;
            }
        }
        assertTrue(found > 20, "lookups made: " + found);
        assertTrue(dht.get(5).routingTableSize() > 3, "tables filled beyond the entry node");
    }

    @Test
    void aPublicKeyRecordPutByOneNodeIsGotByOthers() throws Exception {
        PeerId seven = net.node(7).peerId();
        byte[] key = KademliaBehaviour.pkKey(seven);
        byte[] value = net.node(7).swarm().identity().publicKey().marshal();
        int stored = dht.get(7).putValue(key, value);
        assertTrue(stored >= 10, "stored on " + stored + " peers");
        for (int i : new int[] {0, 13, 29}) {
            Optional<byte[]> got = dht.get(i).getValue(key);
            assertTrue(got.isPresent(), "node " + i + " got the value");
            assertArrayEquals(value, got.get());
        }
        byte[] otherKey = net.node(8).swarm().identity().publicKey().marshal();
        assertThrows(InvalidRecordException.class, () -> dht.get(7).putValue(key, otherKey),
                "a key that is not the peer's is refused before it leaves");
    }

    @Test
    void theNewestIpnsRecordWinsAndIsFoundByEveryone() throws Exception {
        TestNode owner = net.node(9);
        byte[] key = IpnsRecord.keyFor(owner.peerId());
        Instant validity = net.now().plus(Duration.ofHours(24));
        byte[] first = IpnsRecord.create(owner.swarm().identity(), "/ipfs/first".getBytes(StandardCharsets.UTF_8), 1,
                validity, Duration.ofMinutes(5)).encode();
        byte[] second = IpnsRecord.create(owner.swarm().identity(), "/ipfs/second".getBytes(StandardCharsets.UTF_8),
                2, validity, Duration.ofMinutes(5)).encode();
        assertTrue(dht.get(9).putValue(key, first) >= 10);
        assertTrue(dht.get(9).putValue(key, second) >= 10);
        // An older record put again later loses to the newer one everywhere it is already stored.
        dht.get(9).putValue(key, first);
        for (int i : new int[] {1, 14, 28}) {
            Optional<byte[]> got = dht.get(i).getValue(key);
            assertTrue(got.isPresent(), "node " + i);
            assertEquals(2, IpnsRecord.decode(got.get()).sequence(), "node " + i + " got the newest record");
        }
        assertFalse(dht.get(20).getValue(IpnsRecord.keyFor(net.node(21).peerId())).isPresent(),
                "nobody published that name");
    }

    @Test
    void aProviderIsFoundByEveryOtherNode() throws Exception {
        byte[] key = org.jlibp2p.core.multiformats.Multihash.sha256("some content".getBytes(StandardCharsets.UTF_8))
                .bytes();
        int told = dht.get(11).provide(key);
        assertTrue(told >= 10, "told " + told + " peers");
        for (int i = 0; i < NODES; i += 4) {
            if (i == 11) {
                continue;
            }
            List<PeerInfo> providers = dht.get(i).findProviders(key, 1);
            assertEquals(List.of(net.node(11).peerId()), providers.stream().map(PeerInfo::peer).toList(),
                    "node " + i);
            assertEquals(List.of(net.node(11).address().withoutPeerId()), providers.getFirst().addresses());
        }
    }

    @Test
    void closestPeersAreTheTrueClosestOfTheNetwork() throws Exception {
        byte[] key = "anything".getBytes(StandardCharsets.UTF_8);
        List<PeerInfo> closest = dht.get(17).getClosestPeers(key);
        org.jlibp2p.kademlia.internal.KadKey target = org.jlibp2p.kademlia.internal.KadKey.of(key);
        List<PeerId> truth = net.nodes().stream().map(TestNode::peerId)
                .filter(p -> !p.equals(net.node(17).peerId()))
                .sorted((a, b) -> target.compareDistance(org.jlibp2p.kademlia.internal.KadKey.of(a),
                        org.jlibp2p.kademlia.internal.KadKey.of(b)))
                .limit(20).toList();
        assertEquals(truth, closest.stream().map(PeerInfo::peer).toList());
    }
}
