package org.jlibp2p.kademlia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.kademlia.internal.KadKey;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node seeded from a saved routing table, connected to nobody: the saved peers that answer enter its table (and
 * lead it to the rest of the network), those that do not are dropped, and no more are checked than a bucket holds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KademliaSeedTest {
    private TestNetwork net;
    private final List<KademliaBehaviour> dht = new ArrayList<>();

    @BeforeEach
    void build() throws Exception {
        net = TestNetwork.builder().nodes(4).seed(5).stack(TestStack.PLAINTEXT_YAMUX).behaviours(i -> {
            KademliaBehaviour k = new KademliaBehaviour(KademliaConfig.defaults());
            dht.add(k);
            return List.of(new IdentifyBehaviour(), k);
        }).build();
        // 1 - 2 - 3 form a DHT; node 0 knows nobody
        net.connect((n, r) -> List.of(new Topology.Edge(1, 2), new Topology.Edge(2, 3)));
        net.require("nodes 1 to 3 know each other", () -> size(1) == 2 && size(2) == 2 && size(3) == 2);
    }

    @AfterEach
    void close() {
        net.close();
    }

    private int size(int i) {
        try {
            return dht.get(i).routingTableSize();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A peer id nobody has, and an in-memory address nobody listens on. */
    private static PeerInfo nobody(Random random) {
        byte[] id = new byte[34];
        random.nextBytes(id);
        id[0] = 0x12;
        id[1] = 0x20;
        try {
            return new PeerInfo(PeerId.fromBytes(id), List.of(Multiaddr.parse("/memory/" + (900_000
                    + random.nextInt(1000)))));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private List<KademliaEvent.SavedPeersChecked> checks() {
        return net.node(0).recorder().emitted(KademliaEvent.SavedPeersChecked.class);
    }

    @Test
    void savedPeersThatAnswerEnterTheTableAndTheOthersAreDropped() throws Exception {
        PeerId one = net.node(1).peerId();
        byte[] key = KademliaBehaviour.pkKey(one);
        byte[] value = net.node(1).swarm().identity().publicKey().marshal();
        assertTrue(dht.get(1).putValue(key, value) >= 2, "stored on nodes 2 and 3");

        PeerInfo gone = nobody(new Random(1));
        PeerInfo saved = new PeerInfo(one, List.of(net.node(1).address().withoutPeerId()));
        assertTrue(dht.get(0).routingTableSnapshot().isEmpty());
        dht.get(0).seed(List.of(gone, saved));
        net.require("node 0 checked its saved peers", () -> !checks().isEmpty());
        KademliaEvent.SavedPeersChecked done = checks().getFirst();
        assertEquals(2, done.checked());
        assertEquals(1, done.answered());

        // node 1 answered, and the lookup that followed found the rest of the network
        net.require("node 0 knows every node", () -> size(0) == 3);
        List<PeerId> table = dht.get(0).routingTable().stream().map(PeerInfo::peer).toList();
        assertTrue(table.contains(one), table.toString());
        assertFalse(table.contains(gone.peer()), "the saved peer that did not answer is dropped");
        net.require("the snapshot follows the table", () -> dht.get(0).routingTableSnapshot().size() == 3);
        assertFalse(dht.get(0).routingTableSnapshot().stream().anyMatch(p -> p.peer().equals(gone.peer())));

        Optional<byte[]> got = dht.get(0).getValue(key);
        assertTrue(got.isPresent(), "found through the seeded table");
        assertArrayEquals(value, got.get());
    }

    @Test
    void noMoreThanABucketHoldsIsChecked() throws Exception {
        KadKey local = KadKey.of(net.node(0).peerId());
        Random random = new Random(2);
        List<PeerInfo> saved = new ArrayList<>();
        // 50 peers of the widest bucket (the first bit differs): the bucket holds k = 20
        for (int i = 0; i < 10_000 && saved.size() < 50; i++) {
            PeerInfo p = nobody(random);
            if (local.commonPrefixLength(KadKey.of(p.peer())) == 0) {
                saved.add(p);
            }
        }
        assertEquals(50, saved.size());
        saved.add(new PeerInfo(net.node(0).peerId(), List.of(net.node(0).address().withoutPeerId())));
        dht.get(0).seed(saved);
        net.require("node 0 checked its saved peers", () -> !checks().isEmpty());
        assertEquals(KademliaConfig.defaults().k(), checks().getFirst().checked(), "one bucket's worth; not itself");
        assertEquals(0, checks().getFirst().answered());
        assertEquals(0, size(0));
        assertTrue(dht.get(0).routingTableSnapshot().isEmpty(), "none of them is kept");
    }
}
