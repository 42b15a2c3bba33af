package org.jlibp2p.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyEvent;
import org.jlibp2p.identify.IdentifyInfo;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.testkit.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Identify runs over a relayed connection: both ends learn who the other is through the relay. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdentifyOverRelayTest {
    @Test
    void peersConnectedOnlyThroughARelayLearnEachOthersProtocolsAddressesAndObservedAddress() throws Exception {
        try (RelayNet n = new RelayNet(3, RelayConfig.defaults(), true)) {
            TestNode a = n.node(1);
            TestNode b = n.node(2);
            Reservation r = n.reserve(2);
            Multiaddr bCircuit = r.circuitAddresses().getFirst();
            n.net.require("B advertises its relayed address", () -> b.swarm().externalAddresses().contains(bCircuit));
            Connection c = a.swarm().dial(bCircuit.withPeerId(b.peerId().multihash()));
            assertTrue(c.limited());

            IdentifyInfo ofB = a.recorder().awaitEmitted(IdentifyEvent.Received.class,
                    e -> e.peer().equals(b.peerId())).info();
            assertTrue(a.swarm().connections().stream().filter(x -> x.remotePeer().equals(b.peerId()))
                    .allMatch(Connection::limited), "A reached B only through the relay");
            assertTrue(ofB.protocols().contains(EchoBehaviour.PROTOCOL_ID), ofB.protocols().toString());
            assertTrue(ofB.protocols().contains(RelayService.STOP_PROTOCOL_ID), ofB.protocols().toString());
            assertTrue(ofB.listenAddrs().contains(b.address().withoutPeerId()), ofB.listenAddrs().toString());
            assertTrue(ofB.listenAddrs().contains(bCircuit), ofB.listenAddrs().toString());
            assertTrue(a.swarm().peerstore().protocols(b.peerId()).contains(IdentifyBehaviour.PROTOCOL_ID));
            assertTrue(a.swarm().peerstore().addresses(b.peerId()).contains(b.address().withoutPeerId()));
            assertTrue(a.swarm().peerstore().addresses(b.peerId()).contains(bCircuit),
                    "the relay A came through stays known: " + a.swarm().peerstore().addresses(b.peerId()));
            // B saw A arrive from the relay: the observed address is the relay's circuit.
            Multiaddr observed = ofB.observedAddr().orElseThrow();
            assertTrue(observed.component(Protocol.P2P_CIRCUIT).isPresent(), observed.toString());
            assertTrue(observed.toString().contains("/p2p/" + n.relay().peerId()), observed.toString());

            IdentifyInfo ofA = b.recorder().awaitEmitted(IdentifyEvent.Received.class,
                    e -> e.peer().equals(a.peerId())).info();
            assertTrue(ofA.listenAddrs().contains(a.address().withoutPeerId()), ofA.listenAddrs().toString());
            assertTrue(ofA.protocols().contains(EchoBehaviour.PROTOCOL_ID));
            // Neither takes the relay's address for one of its own.
            assertTrue(a.recorder().all(SwarmEvent.ExternalAddressCandidate.class).stream()
                    .noneMatch(x -> x.address().equals(observed)));
            assertFalse(a.swarm().externalAddresses().contains(observed));
            assertTrue(a.recorder().emitted(IdentifyEvent.Failed.class).stream()
                    .noneMatch(x -> x.peer().equals(b.peerId())), "identify of B did not fail");
        }
    }
}
