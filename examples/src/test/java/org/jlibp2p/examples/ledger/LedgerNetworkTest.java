package org.jlibp2p.examples.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.gossipsub.GossipsubBehaviour;
import org.jlibp2p.gossipsub.GossipsubEvent;
import org.jlibp2p.gossipsub.ValidationResult;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ledger nodes over the in-memory network, running the real Noise, Yamux, Gossipsub and the ledger's protocols. */
@Timeout(120)
class LedgerNetworkTest {
    private static void dial(TestNode from, TestNode to) throws IOException {
        from.swarm().dial(to.address());
    }

    private static GossipsubBehaviour pubsub(TestNode n) {
        return n.swarm().behaviour(GossipsubBehaviour.class).orElseThrow();
    }

    private static boolean subscribed(TestNode n, PeerId peer) {
        try {
            return pubsub(n).peers(LedgerNode.BLOCKS_TOPIC).contains(peer)
                    && pubsub(n).peers(LedgerNode.TRANSACTIONS_TOPIC).contains(peer);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean meshed(TestNode a, TestNode b) {
        try {
            for (String topic : List.of(LedgerNode.BLOCKS_TOPIC, LedgerNode.TRANSACTIONS_TOPIC)) {
                if (!pubsub(a).mesh(topic).contains(b.peerId()) || !pubsub(b).mesh(topic).contains(a.peerId())) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void blocksAndTransactionsSpreadByGossipAndALateJoinerCatchesUp() throws Exception {
        List<Chain> chains = List.of(new Chain(), new Chain(), new Chain(), new Chain());
        try (TestNetwork net = TestNetwork.builder().nodes(4)
                .behaviours(i -> LedgerNode.behaviours(chains.get(i))).build()) {
            List<LedgerNode> nodes = new ArrayList<>();
            for (TestNode n : net.nodes()) {
                nodes.add(LedgerNode.start(n.swarm()));
            }
            // nodes 0, 1 and 2 in a triangle; node 3 joins later
            dial(net.node(1), net.node(0));
            dial(net.node(2), net.node(0));
            dial(net.node(2), net.node(1));
            // Gossipsub forwards to a node's mesh; a message sent before a neighbour joined the mesh would not
            // reach it (by design), so the test waits for the meshes first.
            net.require("0, 1 and 2 in each other's meshes", () -> meshed(net.node(0), net.node(1))
                    && meshed(net.node(0), net.node(2)) && meshed(net.node(1), net.node(2)));

            for (int i = 0; i < 3; i++) {
                nodes.get(0).submit(("payment " + i).getBytes(StandardCharsets.UTF_8));
            }
            Transaction fromOne = nodes.get(1).submit("from node 1".getBytes(StandardCharsets.UTF_8));
            net.require("every pool holds the 4 transactions",
                    () -> chains.subList(0, 3).stream().allMatch(c -> c.poolSize() == 4));

            Block first = nodes.get(0).produceBlock();
            assertEquals(4, first.transactions().size());
            assertTrue(first.transactions().contains(fromOne));
            net.require("1 and 2 appended block 1 and emptied their pools",
                    () -> chains.subList(1, 3).stream().allMatch(c -> c.height() == 1 && c.poolSize() == 0));

            // 40 more blocks: more than one block request holds, for the late joiner
            for (int i = 0; i < 40; i++) {
                nodes.get(0).submit(("tx " + i).getBytes(StandardCharsets.UTF_8));
                nodes.get(0).produceBlock();
            }
            Hash head = chains.get(0).headHash();
            net.require("1 and 2 followed to height 41",
                    () -> chains.subList(1, 3).stream().allMatch(c -> c.headHash().equals(head)));
            assertEquals(0, chains.get(3).height());

            dial(net.node(3), net.node(2));
            LedgerEvent.Synced synced = net.node(3).recorder().awaitEmitted(LedgerEvent.Synced.class,
                    s -> s.height() == 41, TestNetwork.WAIT);
            assertEquals(net.node(2).peerId(), synced.peer());
            assertEquals(41, synced.blocks());
            assertEquals(head, chains.get(3).headHash());
            assertEquals(chains.get(0).at(17).orElseThrow().hash(), chains.get(3).at(17).orElseThrow().hash());
            // node 2, the one dialled, heard 3's status too
            net.node(2).recorder().awaitEmitted(LedgerEvent.PeerStatus.class,
                    s -> s.peer().equals(net.node(3).peerId()) && s.status().height() == 0, TestNetwork.WAIT);

            // and then it follows by gossip
            net.require("2 and 3 in each other's meshes", () -> meshed(net.node(2), net.node(3)));
            nodes.get(0).produceBlock();
            net.require("3 appended block 42 by gossip", () -> chains.get(3).height() == 42);
        }
    }

    @Test
    void invalidTransactionsAndBlocksAreRejectedAndTheirSenderPenalised() throws Exception {
        Chain honestChain = new Chain();
        // node 1 runs Gossipsub without the ledger's validators: it forwards anything, as a faulty or hostile peer
        try (TestNetwork net = TestNetwork.builder().nodes(2)
                .behaviours(i -> i == 0 ? LedgerNode.behaviours(honestChain)
                        : List.of(new GossipsubBehaviour(LedgerNode.gossipsubConfig())))
                .build()) {
            LedgerNode.start(net.node(0).swarm());
            GossipsubBehaviour bad = pubsub(net.node(1));
            bad.subscribe(LedgerNode.TRANSACTIONS_TOPIC);
            bad.subscribe(LedgerNode.BLOCKS_TOPIC);
            dial(net.node(1), net.node(0));
            PeerId badPeer = net.node(1).peerId();
            net.require("0 sees 1 in both topics", () -> subscribed(net.node(0), badPeer));

            var badKey = net.node(1).swarm().identity();
            Transaction good = Transaction.sign(badKey, 1, "fine".getBytes(StandardCharsets.UTF_8));
            Transaction forged = new Transaction(good.sender(), good.nonce(),
                    "a different payload".getBytes(StandardCharsets.UTF_8), good.signature());
            bad.publish(LedgerNode.TRANSACTIONS_TOPIC, new byte[] {1, 2, 3});                 // malformed
            bad.publish(LedgerNode.TRANSACTIONS_TOPIC, LedgerCodec.encode(forged));           // bad signature
            bad.publish(LedgerNode.BLOCKS_TOPIC, LedgerCodec.encode(
                    new Block(1, Hash.ZERO, 0, List.of(good))));                             // wrong parent
            bad.publish(LedgerNode.BLOCKS_TOPIC, LedgerCodec.encode(
                    new Block(1, Block.GENESIS.hash(), 0, List.of(forged))));               // forged transaction
            bad.publish(LedgerNode.TRANSACTIONS_TOPIC, LedgerCodec.encode(good));             // valid
            bad.publish(LedgerNode.TRANSACTIONS_TOPIC, LedgerCodec.encode(good));             // duplicate

            net.require("4 rejected and 1 ignored", () -> dropped(net.node(0), ValidationResult.REJECT) == 4
                    && dropped(net.node(0), ValidationResult.IGNORE) == 1);
            assertEquals(0, honestChain.height());
            assertEquals(1, honestChain.poolSize());
            assertTrue(honestChain.knows(good.id()));
            double score = pubsub(net.node(0)).score(badPeer);
            assertTrue(score < 0, "the sender of invalid messages has a negative score, not " + score);
            assertTrue(pubsub(net.node(0)).explain(badPeer).describe().contains("P4"),
                    pubsub(net.node(0)).explain(badPeer).describe());
        }
    }

    private static long dropped(TestNode n, ValidationResult result) {
        return n.recorder().emitted(GossipsubEvent.Dropped.class).stream()
                .filter(d -> d.result() == result).count();
    }

    @Test
    void anOversizedOrMalformedBlockRequestCostsTheSenderItsStreamOnly() throws Exception {
        List<Chain> chains = List.of(new Chain(), new Chain());
        try (TestNetwork net = TestNetwork.builder().nodes(2)
                .behaviours(i -> LedgerNode.behaviours(chains.get(i))).build()) {
            LedgerNode server = LedgerNode.start(net.node(0).swarm());
            server.produceBlock();
            server.produceBlock();
            PeerId serverId = net.node(0).peerId();
            net.node(1).swarm().dial(net.node(0).address());

            try (Stream s = net.node(1).swarm().newStream(serverId, List.of(LedgerBehaviour.BLOCKS_PROTOCOL))) {
                LengthPrefixed.write(s.output(), new byte[100_000]);                  // far over the 10-byte request
                s.output().flush();
                assertThrows(IOException.class, () -> s.input().readAllBytes());
            }
            try (Stream s = net.node(1).swarm().newStream(serverId, List.of(LedgerBehaviour.BLOCKS_PROTOCOL))) {
                LengthPrefixed.write(s.output(), new byte[LedgerCodec.RANGE_BYTES]); // a range of 0 blocks
                s.output().flush();
                assertThrows(IOException.class, () -> s.input().readAllBytes());
            }
            assertTrue(net.node(1).swarm().isConnected(serverId), "the connection outlives the bad streams");
            try (Stream s = net.node(1).swarm().newStream(serverId, List.of(LedgerBehaviour.BLOCKS_PROTOCOL))) {
                LengthPrefixed.write(s.output(), LedgerCodec.encode(new LedgerCodec.Range(1, 5)));
                s.output().flush();
                s.closeOutput();
                Block b1 = LedgerCodec.decodeBlock(LengthPrefixed.read(s.input(), LedgerCodec.MAX_BLOCK_BYTES));
                Block b2 = LedgerCodec.decodeBlock(LengthPrefixed.read(s.input(), LedgerCodec.MAX_BLOCK_BYTES));
                assertEquals(chains.get(0).at(1).orElseThrow().hash(), b1.hash());
                assertEquals(chains.get(0).headHash(), b2.hash());
                assertEquals(-1, s.input().read(), "two blocks, then the end of the stream");
            }
        }
    }
}
