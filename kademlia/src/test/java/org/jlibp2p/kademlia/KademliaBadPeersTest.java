package org.jlibp2p.kademlia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.kademlia.KademliaEvent.QueryKind;
import org.jlibp2p.kademlia.internal.KadCodec;
import org.jlibp2p.kademlia.internal.KadMessage;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.testkit.Topology;
import org.jlibp2p.core.mux.StreamResetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile peers in a real DHT: servers that answer every request with 20 made-up peers at made-up addresses, servers
 * that answer with themselves only, and a client that sends garbage. Lookups get slower but still find their peer,
 * and the garbage costs its sender the stream, never the node.
 */
@Timeout(120)
class KademliaBadPeersTest {
    private static final int NODES = 40;

    /** Serves the DHT protocol with lies: 20 random peer ids at unreachable in-memory addresses, or only itself. */
    private static final class Liar implements Behaviour {
        private final boolean answersWithItself;
        private final Random random;
        private final KadCodec codec = new KadCodec(1 << 20, 64, 8);
        private final AtomicInteger answered = new AtomicInteger();
        private volatile BehaviourContext context;

        Liar(boolean answersWithItself, long seed) {
            this.answersWithItself = answersWithItself;
            this.random = new Random(seed);
        }

        @Override
        public void start(BehaviourContext c) {
            context = c;
            c.serve(KademliaBehaviour.PROTOCOL_ID);
        }

        @Override
        public ConnectionHandler newHandler(HandlerContext hc) {
            return stream -> {
                for (int i = 0; i < 1000; i++) {
                    Optional<KadMessage> req = codec.read(stream.input());
                    if (req.isEmpty()) {
                        return;
                    }
                    List<PeerInfo> lies = new ArrayList<>();
                    if (answersWithItself) {
                        lies.add(new PeerInfo(context.localPeer(), context.listenAddresses()));
                    } else {
                        synchronized (random) {
                            for (int j = 0; j < 20; j++) {
                                lies.add(new PeerInfo(randomPeer(random),
                                        List.of(Multiaddr.parse("/memory/" + (900_000 + random.nextInt(1000))))));
                            }
                        }
                    }
                    codec.write(stream.output(), new KadMessage(req.get().type(), req.get().key(), Optional.empty(),
                            lies, List.of()));
                    answered.incrementAndGet();
                }
            };
        }
    }

    static PeerId randomPeer(Random random) {
        byte[] id = new byte[34];
        id[0] = 0x12;
        id[1] = 0x20;
        for (int i = 2; i < 34; i++) {
            id[i] = (byte) random.nextInt(256);
        }
        try {
            return PeerId.fromBytes(id);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void liarsSlowLookupsDownButEveryPeerIsStillFound() throws Exception {
        List<KademliaBehaviour> dht = new ArrayList<>();
        List<Liar> liars = new ArrayList<>();
        // Every fifth node lies (half of them with made-up peers, half with themselves).
        try (TestNetwork net = TestNetwork.builder().nodes(NODES).seed(4).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .behaviours(i -> {
                    if (i % 5 == 4) {
                        Liar liar = new Liar(i % 10 == 9, i);
                        liars.add(liar);
                        dht.add(null);
                        return List.of(new IdentifyBehaviour(), liar);
                    }
                    KademliaBehaviour k = new KademliaBehaviour(KademliaConfig.defaults());
                    dht.add(k);
                    return List.of(new IdentifyBehaviour(), k);
                }).build()) {
            net.connect((n, r) -> {
                List<Topology.Edge> edges = new ArrayList<>(List.of(new Topology.Edge(0, 1), new Topology.Edge(1, 2)));
                for (int i = 3; i < n; i++) {
                    edges.add(new Topology.Edge(i, i % 3));
                }
                return edges;
            });
            for (int i = 0; i < NODES; i++) {
                if (dht.get(i) != null) {
                    TestNode node = net.node(i);
                    node.recorder().awaitEmitted(KademliaEvent.QueryFinished.class,
                            q -> q.stats().kind() == QueryKind.BOOTSTRAP, TestNetwork.WAIT);
                }
            }
            for (KademliaBehaviour k : dht) {
                if (k != null) {
                    k.bootstrap();
                }
            }
            int lookups = 0;
            int found = 0;
            for (int i = 0; i < NODES; i += 3) {
                for (int j = 1; j < NODES; j += 7) {
                    if (dht.get(i) == null || dht.get(j) == null || i == j) {
                        continue;
                    }
                    lookups++;
                    Optional<PeerInfo> info = dht.get(i).lookupPeer(net.node(j).peerId(),
                            java.time.Duration.ofSeconds(30));
                    if (info.isPresent() && info.get().peer().equals(net.node(j).peerId())) {
                        found++;
                    }
                }
            }
            int lies = liars.stream().mapToInt(l -> l.answered.get()).sum();
            assertTrue(lies > 0, "the liars were asked");
            assertEquals(lookups, found, "every honest peer found despite " + lies + " lying answers");
        }
    }

    @Test
    void garbageOnTheProtocolCostsItsSenderTheStreamAndTheNodeKeepsAnswering() throws Exception {
        List<KademliaBehaviour> dht = new ArrayList<>();
        try (TestNetwork net = TestNetwork.builder().nodes(2).seed(5).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .behaviours(i -> {
                    KademliaBehaviour k = new KademliaBehaviour(KademliaConfig.defaults());
                    dht.add(k);
                    return List.of(new IdentifyBehaviour(), k);
                }).build()) {
            net.connect(Topology.pair());
            PeerId server = net.node(1).peerId();
            KadCodec codec = new KadCodec(1 << 20, 64, 8);
            byte[][] attacks = {
                {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, // claims 4 GiB
                concat(Varint.encode(3), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}), // not protobuf
                concat(Varint.encode(2), new byte[] {0x08, 0x09}), // message type 9
                concat(Varint.encode(100), new byte[] {0x08}), // ends inside the message
            };
            for (byte[] attack : attacks) {
                Stream s = net.node(0).swarm().newStream(server, List.of(KademliaBehaviour.PROTOCOL_ID));
                OutputStream out = s.output();
                out.write(attack);
                out.flush();
                s.closeOutput();
                // no answer to garbage: the node resets the stream or closes it without a byte
                int n;
                try {
                    n = s.input().read();
                } catch (StreamResetException e) {
                    n = -1;
                }
                assertEquals(-1, n, "no answer to garbage");
                s.reset();
            }
            // A well-formed PUT_VALUE whose record is not under the message's key is refused: the stream is reset.
            Stream refused = net.node(0).swarm().newStream(server, List.of(KademliaBehaviour.PROTOCOL_ID));
            byte[] key = KademliaBehaviour.pkKey(net.node(0).peerId());
            codec.write(refused.output(), new KadMessage(KadMessage.Type.PUT_VALUE, key, Optional.of(
                    new KadMessage.Record("/pk/other".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[1],
                            "")), List.of(), List.of()));
            assertThrows(IOException.class, () -> codec.read(refused.input()));
            // The same node still answers a well-formed request, on a new stream of the same connection.
            Stream ok = net.node(0).swarm().newStream(server, List.of(KademliaBehaviour.PROTOCOL_ID));
            codec.write(ok.output(), KadMessage.request(KadMessage.Type.PING, new byte[0]));
            assertEquals(KadMessage.Type.PING, codec.read(ok.input()).orElseThrow().type());
            ok.close();
            // What the server counted: three messages it could not read (the fourth ended early: a broken stream,
            // not a message), one refused, one answered
            ServedRequests served = dht.get(1).served();
            assertEquals(3, served.count(ServedRequests.UNKNOWN, ServedRequests.Outcome.MALFORMED));
            assertEquals(1, served.count("PUT_VALUE", ServedRequests.Outcome.REFUSED));
            assertEquals(0, served.count("PUT_VALUE", ServedRequests.Outcome.ANSWERED));
            assertEquals(1, served.count("PING", ServedRequests.Outcome.ANSWERED));
            assertEquals(0, dht.get(0).served().count(ServedRequests.UNKNOWN, ServedRequests.Outcome.MALFORMED));
            assertTrue(net.node(0).swarm().connections().stream()
                    .anyMatch(c -> c.remotePeer().equals(server) && c.isOpen()), "the connection survived");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
