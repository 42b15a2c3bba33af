package org.jlibp2p.gossipsub;

import static org.jlibp2p.gossipsub.PubsubRouter.FLOODSUB;
import static org.jlibp2p.gossipsub.PubsubRouter.MESHSUB_V10;
import static org.jlibp2p.gossipsub.PubsubRouter.MESHSUB_V11;
import static org.jlibp2p.gossipsub.PubsubRouter.MESHSUB_V12;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The router fed by hand on a manual clock: mesh, fanout, gossip, backoff, PX, IDONTWANT, validation. */
@Timeout(30)
class PubsubRouterTest {
    private static final String T = "topic";

    private static GossipsubConfig.Builder config() {
        return GossipsubConfig.builder().seed(1);
    }

    private static List<RouterHarness.Remote> peers(RouterHarness h, int n, String protocol, boolean outbound) {
        List<RouterHarness.Remote> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(h.peer(protocol, outbound, T));
        }
        return out;
    }

    @Test
    void floodsubSendsEachMessageToEveryTopicPeerButItsSourceOnce() {
        RouterHarness h = new RouterHarness(GossipsubConfig.builder().mode(RouterMode.FLOODSUB).seed(1).build());
        assertEquals(List.of(FLOODSUB), h.router.protocols());
        h.router.subscribe(T);
        List<RouterHarness.Remote> ps = peers(h, 4, FLOODSUB, true);
        RouterHarness.Remote other = h.peer(FLOODSUB, true, "other");
        for (RouterHarness.Remote p : ps) {
            assertTrue(h.sentTo(p.id()).getFirst().subscriptions().contains(new Rpc.SubOpts(true, T)),
                    "a new peer hears our subscriptions");
        }
        h.clearSent();
        Message m = ps.get(0).message(T, new byte[] {1}, 1);
        h.router.handleRpc(ps.get(0).id(), Rpc.ofMessages(List.of(m)));
        h.router.handleRpc(ps.get(1).id(), Rpc.ofMessages(List.of(m)));
        assertEquals(1, h.delivered.size());
        assertEquals(ps.get(0).id(), h.delivered.getFirst().source());
        assertTrue(h.messagesTo(ps.get(0).id()).isEmpty(), "not back to its source (and author)");
        for (RouterHarness.Remote p : ps.subList(1, 4)) {
            assertEquals(1, h.messagesTo(p.id()).size());
        }
        assertTrue(h.messagesTo(other.id()).isEmpty(), "not to peers of other topics");
        assertEquals(1, h.router.counters().duplicates());
    }

    @Test
    void subscribingBuildsAMeshOfDAndGrafts() {
        RouterHarness h = new RouterHarness(config().build());
        List<RouterHarness.Remote> ps = peers(h, 10, MESHSUB_V11, true);
        h.router.subscribe(T);
        Set<PeerId> mesh = h.router.mesh(T);
        assertEquals(6, mesh.size());
        for (RouterHarness.Remote p : ps) {
            assertEquals(mesh.contains(p.id()) ? 1 : 0, h.graftsTo(p.id()).size());
            assertTrue(h.sentTo(p.id()).getFirst().subscriptions().contains(new Rpc.SubOpts(true, T)));
        }
        assertEquals(6, h.events.stream().filter(e -> e instanceof GossipsubEvent.Grafted).count());
    }

    @Test
    void theHeartbeatGraftsBelowDLoAndPrunesAboveDHiKeepingOutboundPeers() {
        RouterHarness h = new RouterHarness(config().build());
        h.router.subscribe(T);
        List<RouterHarness.Remote> ps = peers(h, 3, MESHSUB_V11, false);
        assertTrue(h.router.mesh(T).isEmpty());
        h.heartbeats(1);
        assertEquals(3, h.router.mesh(T).size(), "all there are, fewer than D");
        peers(h, 10, MESHSUB_V11, false);
        List<RouterHarness.Remote> out = peers(h, 2, MESHSUB_V11, true);
        // every peer grafts us: inbound grafts stop at D_hi, outbound ones are taken past it
        for (PeerId p : h.router.peers(T)) {
            if (out.stream().noneMatch(o -> o.id().equals(p))) {
                h.router.handleRpc(p, RouterHarness.graft(T));
            }
        }
        assertEquals(12, h.router.mesh(T).size());
        for (RouterHarness.Remote o : out) {
            h.router.handleRpc(o.id(), RouterHarness.graft(T));
        }
        assertEquals(14, h.router.mesh(T).size());
        h.clearSent();
        h.heartbeats(1);
        Set<PeerId> mesh = h.router.mesh(T);
        assertEquals(6, mesh.size(), "pruned back to D");
        long outbound = mesh.stream().filter(p -> out.stream().anyMatch(o -> o.id().equals(p))).count();
        assertEquals(2, outbound, "D_out outbound peers kept (or grafted)");
        int pruned = 0;
        for (PeerId p : h.router.peers(T)) {
            if (!mesh.contains(p) && !h.prunesTo(p).isEmpty()) {
                pruned++;
                assertEquals(60, h.prunesTo(p).getFirst().backoffSeconds().getAsLong());
            }
        }
        assertTrue(pruned >= 7, "peers pruned: " + pruned);
        assertTrue(ps.stream().allMatch(p -> h.router.peers(T).contains(p.id())));
    }

    @Test
    void forwardingUsesTheMeshAndPublishingFloodsOrUsesTheFanout() {
        RouterHarness h = new RouterHarness(config().floodPublish(false).build());
        List<RouterHarness.Remote> ps = peers(h, 10, MESHSUB_V11, true);
        // not subscribed: a publish picks a fanout of D peers, kept for the fanout TTL after the last publish
        h.router.publish(T, new byte[] {1});
        Set<PeerId> fanout = h.router.fanout(T);
        assertEquals(6, fanout.size());
        for (RouterHarness.Remote p : ps) {
            assertEquals(fanout.contains(p.id()) ? 1 : 0, h.messagesTo(p.id()).size());
        }
        h.heartbeats(59);
        assertEquals(fanout, h.router.fanout(T));
        h.heartbeats(2);
        assertTrue(h.router.fanout(T).isEmpty(), "fanout forgotten after its TTL");

        h.router.subscribe(T);
        h.clearSent();
        Set<PeerId> mesh = h.router.mesh(T);
        RouterHarness.Remote src = ps.stream().filter(p -> mesh.contains(p.id())).findFirst().orElseThrow();
        h.router.handleRpc(src.id(), Rpc.ofMessages(List.of(src.message(T, new byte[] {2}, 1))));
        for (RouterHarness.Remote p : ps) {
            boolean expected = mesh.contains(p.id()) && !p.equals(src);
            assertEquals(expected ? 1 : 0, h.messagesTo(p.id()).size(), "forwarded to the mesh only");
        }

        RouterHarness flood = new RouterHarness(config().build());
        List<RouterHarness.Remote> all = peers(flood, 10, MESHSUB_V11, true);
        flood.router.subscribe(T);
        flood.clearSent();
        flood.router.publish(T, new byte[] {3});
        for (RouterHarness.Remote p : all) {
            assertEquals(1, flood.messagesTo(p.id()).size(), "flood publish reaches every topic peer");
        }
        assertEquals(1, flood.delivered.size(), "our own subscriber hears our message");
    }

    @Test
    void gossipAdvertisesToPeersOutsideTheMeshAndAnswersIWantWithinTheRetransmissionLimit() {
        RouterHarness h = new RouterHarness(config().build());
        List<RouterHarness.Remote> ps = peers(h, 20, MESHSUB_V11, true);
        h.router.subscribe(T);
        Set<PeerId> mesh = h.router.mesh(T);
        RouterHarness.Remote src = ps.stream().filter(p -> mesh.contains(p.id())).findFirst().orElseThrow();
        Message m = src.message(T, new byte[] {9}, 1);
        MessageId id = MessageIdFunction.FROM_AND_SEQNO.apply(m);
        h.router.handleRpc(src.id(), Rpc.ofMessages(List.of(m)));
        h.clearSent();
        h.heartbeats(1);
        int gossiped = 0;
        for (RouterHarness.Remote p : ps) {
            List<Rpc.IHave> ih = h.ihavesTo(p.id());
            if (!ih.isEmpty()) {
                assertFalse(mesh.contains(p.id()), "no gossip to mesh peers");
                assertEquals(List.of(id), ih.getFirst().ids());
                gossiped++;
            }
        }
        assertEquals(6, gossiped, "D_lazy = max(6, 0.25 * 14) peers");
        RouterHarness.Remote asker = ps.stream().filter(p -> !mesh.contains(p.id())).findFirst().orElseThrow();
        h.clearSent();
        for (int i = 0; i < 5; i++) {
            h.router.handleRpc(asker.id(), RouterHarness.iwant(List.of(id)));
        }
        assertEquals(3, h.messagesTo(asker.id()).size(), "gossipRetransmission = 3");
        h.heartbeats(3);
        h.clearSent();
        h.heartbeats(1);
        assertTrue(ps.stream().allMatch(p -> h.ihavesTo(p.id()).isEmpty()),
                "gossip covers historyGossip = 3 heartbeats");
        h.heartbeats(1);
        h.router.handleRpc(ps.get(19).id(), RouterHarness.iwant(List.of(id)));
        assertTrue(h.messagesTo(ps.get(19).id()).isEmpty(), "out of the cache after historyLength = 5");
    }

    @Test
    void iHaveOfUnseenMessagesIsAnsweredWithIWantAndABrokenPromiseIsPenalised() {
        RouterHarness h = new RouterHarness(config().scoreParams(PeerScoreParams.builder()
                .behaviourPenaltyWeight(-1).build()).build());
        List<RouterHarness.Remote> ps = peers(h, 3, MESHSUB_V11, true);
        h.router.subscribe(T);
        RouterHarness.Remote liar = ps.get(0);
        MessageId unseen = MessageId.of(new byte[] {1, 2, 3});
        h.clearSent();
        h.router.handleRpc(liar.id(), RouterHarness.ihave(T, List.of(unseen)));
        assertEquals(List.of(unseen), h.iwantsTo(liar.id()).getFirst().ids());
        h.router.handleRpc(liar.id(), RouterHarness.ihave("not-ours", List.of(MessageId.of(new byte[] {4}))));
        assertEquals(1, h.iwantsTo(liar.id()).size(), "no IWANT for a topic we are not in");
        assertEquals(0.0, h.router.score(liar.id()));
        h.heartbeats(3); // iwantFollowupTime 3 s
        assertEquals(-1.0, h.router.explain(liar.id()).behaviourPenalty(), 1e-9, "P7: one broken promise, squared");
        assertTrue(h.router.score(liar.id()) < 0);

        // a promise kept costs nothing
        RouterHarness.Remote honest = ps.get(1);
        Message m = honest.message(T, new byte[] {5}, 1);
        h.router.handleRpc(honest.id(), RouterHarness.ihave(T, List.of(MessageIdFunction.FROM_AND_SEQNO.apply(m))));
        h.router.handleRpc(honest.id(), Rpc.ofMessages(List.of(m)));
        h.heartbeats(4);
        assertEquals(0.0, h.router.explain(honest.id()).behaviourPenalty());
    }

    @Test
    void aPruneSetsABackoffTheHeartbeatRespectsAndAGraftDuringItIsPenalisedAndPruned() {
        RouterHarness h = new RouterHarness(config().dLo(1).d(1).dOut(0).dScore(1)
                .scoreParams(PeerScoreParams.builder().behaviourPenaltyWeight(-1).build()).build());
        RouterHarness.Remote p = h.peer(MESHSUB_V11, true, T);
        h.router.subscribe(T);
        assertEquals(Set.of(p.id()), h.router.mesh(T));
        h.router.handleRpc(p.id(), RouterHarness.prune(T, List.of(), 30));
        assertTrue(h.router.mesh(T).isEmpty());
        assertTrue(h.router.inBackoff(p.id(), T));
        h.heartbeats(29);
        assertTrue(h.router.mesh(T).isEmpty(), "no graft during the backoff");
        h.heartbeats(2);
        assertEquals(Set.of(p.id()), h.router.mesh(T), "grafted again once it is over");

        // we prune (unsubscribe), and the peer grafts at once: flood penalty twice, a PRUNE back
        h.router.unsubscribe(T);
        Rpc.Prune sent = h.prunesTo(p.id()).getLast();
        assertEquals(10, sent.backoffSeconds().getAsLong(), "the unsubscribe backoff");
        h.router.subscribe(T);
        h.router.handleRpc(p.id(), RouterHarness.prune(T, List.of(), 60));
        h.clearSent();
        h.router.handleRpc(p.id(), RouterHarness.graft(T));
        assertFalse(h.router.mesh(T).contains(p.id()));
        assertEquals(1, h.prunesTo(p.id()).size());
        assertEquals(-4.0, h.router.explain(p.id()).behaviourPenalty(), 1e-9, "two penalties, squared");
    }

    @Test
    void graftsAndPrunesForTopicsWeAreNotInAreIgnored() {
        RouterHarness h = new RouterHarness(config().doPX(true).build());
        RouterHarness.Remote p = h.peer(MESHSUB_V11, true, T);
        peers(h, 3, MESHSUB_V11, true);
        for (int i = 0; i < 100; i++) {
            h.router.handleRpc(p.id(), RouterHarness.graft("made-up-" + i));
            h.router.handleRpc(p.id(), RouterHarness.prune("made-up-" + i, List.of(), 60));
        }
        assertTrue(h.sentTo(p.id()).isEmpty(), "no answer");
        assertFalse(h.router.inBackoff(p.id(), "made-up-1"));
        assertTrue(h.router.mesh("made-up-1").isEmpty());
    }

    @Test
    void outgoingMessagesAreSplitToFitTheRpcSizeLimit() {
        RouterHarness h = new RouterHarness(config().limits(RpcLimits.defaults().withMaxRpcSize(200 * 1024)).build());
        List<RouterHarness.Remote> ps = peers(h, 2, MESHSUB_V11, true);
        h.router.subscribe(T);
        List<Message> big = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            big.add(ps.get(0).message(T, new byte[50 * 1024], i + 1));
        }
        h.clearSent();
        h.router.handleRpc(ps.get(0).id(), Rpc.ofMessages(big));
        List<Rpc> sent = h.sentTo(ps.get(1).id());
        assertEquals(5, h.messagesTo(ps.get(1).id()).size());
        assertTrue(sent.size() >= 2, "split into " + sent.size());
        for (Rpc r : sent) {
            assertTrue(RpcCodec.encode(r).length <= 200 * 1024, "each RPC fits");
        }
    }

    @Test
    void peerExchangeOffersPeersOnPruneAndIsTakenOnlyFromWellScoredPeers() {
        PeerId[] good = new PeerId[1];
        RouterHarness h = new RouterHarness(config().doPX(true).dHi(12)
                .scoreParams(PeerScoreParams.builder().appSpecificScore(p -> p.equals(good[0]) ? 20 : 0).build())
                .build());
        h.router.subscribe(T);
        List<RouterHarness.Remote> ps = peers(h, 14, MESHSUB_V11, false);
        for (RouterHarness.Remote p : ps) {
            h.router.handleRpc(p.id(), RouterHarness.graft(T));
        }
        // the 13th and 14th inbound grafts find the mesh at D_hi: pruned with PX
        Rpc.Prune px = h.prunesTo(ps.get(13).id()).getFirst();
        assertFalse(px.peers().isEmpty());
        assertTrue(px.peers().size() <= 16);
        assertTrue(px.peers().stream().noneMatch(x -> x.peer().equals(ps.get(13).id())));

        good[0] = ps.get(0).id();
        RouterHarness.Remote offered = h.remote();
        h.router.handleRpc(ps.get(1).id(), RouterHarness.prune(T, List.of(new Rpc.PeerExchange(offered.id(), Optional.empty())), 60));
        assertTrue(h.connects.isEmpty(), "score 0 < acceptPX 10: the offer is ignored");
        h.router.handleRpc(ps.get(0).id(), RouterHarness.prune(T, List.of(new Rpc.PeerExchange(offered.id(), Optional.empty())), 60));
        assertEquals(List.of(offered.id()), h.connects);

        RouterHarness v10 = new RouterHarness(config().doPX(true).build());
        RouterHarness.Remote old = v10.peer(MESHSUB_V10, true, T);
        v10.peer(MESHSUB_V11, true, T);
        v10.router.subscribe(T);
        v10.router.unsubscribe(T);
        Rpc.Prune toOld = v10.prunesTo(old.id()).getFirst();
        assertTrue(toOld.peers().isEmpty() && toOld.backoffSeconds().isEmpty(), "v1.0 peers get a bare PRUNE");
    }

    @Test
    void largeMessagesAreAnnouncedByIDontWantToV12MeshPeersAndIDontWantStopsForwarding() {
        RouterHarness h = new RouterHarness(config().d(3).dLo(2).dHi(4).dScore(2).dOut(1).build());
        RouterHarness.Remote a = h.peer(MESHSUB_V12, true, T);
        RouterHarness.Remote b = h.peer(MESHSUB_V12, true, T);
        RouterHarness.Remote c = h.peer(MESHSUB_V11, true, T);
        h.router.subscribe(T);
        assertEquals(3, h.router.mesh(T).size());
        h.clearSent();
        Message big = a.message(T, new byte[2048], 1);
        MessageId bigId = MessageIdFunction.FROM_AND_SEQNO.apply(big);
        h.router.handleRpc(a.id(), Rpc.ofMessages(List.of(big)));
        assertEquals(List.of(bigId), h.idontwantsTo(b.id()).getFirst().ids());
        Rpc first = h.sentTo(b.id()).getFirst();
        assertTrue(first.messages().isEmpty() && first.control().idontwant().size() == 1,
                "the IDONTWANT goes alone, before the forwarded copy: " + first);
        assertEquals(List.of(big), h.messagesTo(b.id()));
        assertTrue(h.idontwantsTo(a.id()).isEmpty(), "not to the source");
        assertTrue(h.idontwantsTo(c.id()).isEmpty(), "not to a v1.1 peer");
        Message small = a.message(T, new byte[10], 2);
        h.clearSent();
        h.router.handleRpc(a.id(), Rpc.ofMessages(List.of(small)));
        assertTrue(h.idontwantsTo(b.id()).isEmpty(), "small messages are not announced");

        Message next = c.message(T, new byte[2048], 3);
        MessageId nextId = MessageIdFunction.FROM_AND_SEQNO.apply(next);
        h.router.handleRpc(b.id(), RouterHarness.idontwant(List.of(nextId)));
        h.clearSent();
        h.router.handleRpc(c.id(), Rpc.ofMessages(List.of(next)));
        assertTrue(h.messagesTo(b.id()).isEmpty(), "b said it does not want it");
        assertEquals(1, h.messagesTo(a.id()).size());
    }

    @Test
    void validatorsRejectIgnoreOrAcceptAndAsyncVerdictsAreBounded() {
        RouterHarness h = new RouterHarness(config().maxPendingValidations(2).build());
        List<RouterHarness.Remote> ps = peers(h, 3, MESHSUB_V11, true);
        h.router.subscribe(T);
        h.router.addValidator(T, (from, m) -> m.data()[0] == 0 ? ValidationResult.REJECT
                : m.data()[0] == 1 ? ValidationResult.IGNORE : ValidationResult.ACCEPT);
        RouterHarness.Remote src = ps.getFirst();
        h.clearSent();
        h.router.handleRpc(src.id(), Rpc.ofMessages(List.of(src.message(T, new byte[] {0}, 1),
                src.message(T, new byte[] {1}, 2), src.message(T, new byte[] {2}, 3))));
        assertEquals(1, h.delivered.size());
        assertEquals(1, h.router.counters().rejected());
        assertEquals(1, h.router.counters().ignored());
        assertEquals(2, h.events.stream().filter(e -> e instanceof GossipsubEvent.Dropped).count());
        assertEquals(1, h.messagesTo(ps.get(1).id()).size(), "only the accepted one is forwarded");

        // a forged signature is rejected before any validator runs
        Message good = src.message(T, new byte[] {2}, 4);
        Message forged = new Message(T, new byte[] {3}, good.from(), good.seqno(), good.signature(), good.key());
        h.router.handleRpc(src.id(), Rpc.ofMessages(List.of(forged)));
        assertEquals(2, h.router.counters().rejected());

        List<CompletableFuture<ValidationResult>> verdicts = new ArrayList<>();
        h.router.addAsyncValidator(T, (from, m) -> {
            CompletableFuture<ValidationResult> f = new CompletableFuture<>();
            verdicts.add(f);
            return f;
        });
        for (int i = 10; i < 13; i++) {
            h.router.handleRpc(src.id(), Rpc.ofMessages(List.of(src.message(T, new byte[] {2}, i))));
        }
        assertEquals(2, h.router.pendingValidations());
        assertEquals(1, h.router.counters().validationsDropped(), "the third finds the bound reached");
        verdicts.get(0).complete(ValidationResult.ACCEPT);
        verdicts.get(1).complete(ValidationResult.REJECT);
        assertEquals(0, h.router.pendingValidations());
        assertEquals(2, h.delivered.size());
        assertEquals(3, h.router.counters().rejected());
    }

    @Test
    void theSubscriptionFilterBoundsWhatIsTracked() {
        RouterHarness h = new RouterHarness(config().subscriptionFilter(SubscriptionFilter.allowlist(Set.of(T))).build());
        RouterHarness.Remote p = h.peer(MESHSUB_V11, true, T, "spam-1", "spam-2");
        assertEquals(Set.of(p.id()), h.router.peers(T));
        assertTrue(h.router.peers("spam-1").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> h.router.subscribe("spam-1"));
    }

    @Test
    void aGraylistedPeerIsIgnored() {
        PeerId[] bad = new PeerId[1];
        RouterHarness h = new RouterHarness(config().scoreParams(PeerScoreParams.builder()
                .appSpecificScore(p -> p.equals(bad[0]) ? -100 : 0).build()).build());
        List<RouterHarness.Remote> ps = peers(h, 2, MESHSUB_V11, true);
        h.router.subscribe(T);
        bad[0] = ps.get(0).id();
        h.router.handleRpc(bad[0], Rpc.ofMessages(List.of(ps.get(0).message(T, new byte[] {1}, 1))));
        assertTrue(h.delivered.isEmpty(), "below the graylist threshold: ignored");
        assertFalse(h.router.mesh(T).contains(bad[0]) && h.router.score(bad[0]) >= 0);
        h.heartbeats(1);
        assertFalse(h.router.mesh(T).contains(bad[0]), "a negative score leaves the mesh at the heartbeat");
        h.router.handleRpc(ps.get(1).id(), Rpc.ofMessages(List.of(ps.get(1).message(T, new byte[] {1}, 1))));
        assertEquals(1, h.delivered.size());
    }

    @Test
    void opportunisticGraftingAddsBetterPeersWhenTheMeshMedianIsLow() {
        Set<PeerId> stars = new HashSet<>();
        RouterHarness h = new RouterHarness(config().opportunisticGraftTicks(2)
                .scoreParams(PeerScoreParams.builder().appSpecificScore(p -> stars.contains(p) ? 50 : 1).build())
                .build());
        List<RouterHarness.Remote> ps = peers(h, 6, MESHSUB_V11, true);
        h.router.subscribe(T);
        assertEquals(6, h.router.mesh(T).size());
        List<RouterHarness.Remote> better = peers(h, 4, MESHSUB_V11, true);
        better.forEach(b -> stars.add(b.id()));
        h.heartbeats(1);
        assertEquals(6, h.router.mesh(T).size(), "not on an odd tick");
        h.heartbeats(1);
        Set<PeerId> mesh = h.router.mesh(T);
        assertEquals(8, mesh.size(), "two peers above the median grafted");
        assertEquals(2, better.stream().filter(b -> mesh.contains(b.id())).count());
        assertTrue(ps.stream().allMatch(p -> mesh.contains(p.id())));
    }

    @Test
    void aPeerThatLeavesLeavesEverything() {
        RouterHarness h = new RouterHarness(config().build());
        List<RouterHarness.Remote> ps = peers(h, 3, MESHSUB_V11, true);
        h.router.subscribe(T);
        h.router.removePeer(ps.get(0).id());
        assertFalse(h.router.mesh(T).contains(ps.get(0).id()));
        assertFalse(h.router.peers(T).contains(ps.get(0).id()));
        assertTrue(h.events.contains(new GossipsubEvent.PeerRemoved(ps.get(0).id())));
        h.router.handleRpc(ps.get(0).id(), Rpc.ofMessages(List.of(ps.get(0).message(T, new byte[] {1}, 1))));
        assertTrue(h.delivered.isEmpty(), "RPCs of unknown peers are dropped");
        h.router.handleRpc(ps.get(1).id(), Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(false, T))));
        assertFalse(h.router.mesh(T).contains(ps.get(1).id()));
        assertTrue(h.events.contains(new GossipsubEvent.PeerUnsubscribed(ps.get(1).id(), T)));
        assertEquals(Duration.ofSeconds(1), h.router.config().heartbeatInterval());
    }
}
