package org.jlibp2p.kademlia.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.PeerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LookupDriverTest {
    private static final long SECOND = 1_000_000_000L;
    private final Random random = new Random(3);
    private final PeerId self = Peers.random(random);

    private static List<Multiaddr> at(String ip) throws Exception {
        return List.of(Multiaddr.parse("/ip4/" + ip + "/tcp/4001"));
    }

    private LookupDriver driver(RoutingTable table, int alpha, long deadline) {
        return new LookupDriver(self, KadKey.of(Peers.random(random)), table, 20, alpha, 1, 10 * SECOND, 1000,
                new AddressFilter(false), deadline);
    }

    @Test
    void sendsToTheSeedsWithTheirAddressesThenWaitsOnceForTheEarliestTimeout() throws Exception {
        RoutingTable table = new RoutingTable(self, 20, 10, 10);
        PeerId a = Peers.random(random);
        PeerId b = Peers.random(random);
        table.add(a, at("1.2.3.4"), 0);
        table.add(b, at("5.6.7.8"), 0);
        LookupDriver d = driver(table, 10, 60 * SECOND);
        List<PeerId> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            LookupDriver.Step.Send s = assertInstanceOf(LookupDriver.Step.Send.class, d.step(0));
            sent.add(s.peer());
            assertEquals(table.find(s.peer()).orElseThrow().addresses(), s.addresses());
        }
        assertEquals(List.of(), sent.stream().filter(p -> !p.equals(a) && !p.equals(b)).toList());
        assertEquals(new LookupDriver.Step.WakeAt(10 * SECOND), d.step(0));
        assertEquals(new LookupDriver.Step.Idle(), d.step(1), "a wake-up is already asked for");
        d.wokeUp();
        assertEquals(new LookupDriver.Step.Finished(), d.step(10 * SECOND), "both timed out, nobody left");
    }

    @Test
    void anAnswerTeachesPublicAddressesOfOtherPeersAndSkipsThisNode() throws Exception {
        RoutingTable table = new RoutingTable(self, 20, 10, 10);
        PeerId a = Peers.random(random);
        table.add(a, at("1.2.3.4"), 0);
        LookupDriver d = driver(table, 10, 60 * SECOND);
        assertFalse(d.absorb(a, List.of()), "not asked yet");
        assertInstanceOf(LookupDriver.Step.Send.class, d.step(0));
        PeerId c = Peers.random(random);
        PeerId e = Peers.random(random);
        assertTrue(d.absorb(a, List.of(new PeerInfo(self, at("9.9.9.9")), new PeerInfo(c, at("10.0.0.1")),
                new PeerInfo(e, at("8.8.4.4")))));
        assertEquals(at("8.8.4.4"), d.addressesOf(e, List.of()));
        assertEquals(List.of(), d.addressesOf(c, List.of()), "a private address is not kept");
        assertEquals(List.of(), d.addressesOf(self, List.of()));
        List<PeerId> next = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            next.add(assertInstanceOf(LookupDriver.Step.Send.class, d.step(1)).peer());
        }
        assertTrue(next.contains(c) && next.contains(e), "both learnt peers are asked: " + next);
        assertFalse(d.absorb(a, List.of()), "a second answer is not expected");
    }

    @Test
    void theDeadlineEndsTheLookup() throws Exception {
        RoutingTable table = new RoutingTable(self, 20, 10, 10);
        table.add(Peers.random(random), at("1.2.3.4"), 0);
        LookupDriver d = driver(table, 10, 5 * SECOND);
        assertInstanceOf(LookupDriver.Step.Send.class, d.step(0));
        assertEquals(new LookupDriver.Step.WakeAt(5 * SECOND), d.step(0), "the deadline comes before the timeout");
        assertEquals(new LookupDriver.Step.Finished(), d.step(5 * SECOND));
        assertTrue(d.lookup().isFinished());
    }
}
