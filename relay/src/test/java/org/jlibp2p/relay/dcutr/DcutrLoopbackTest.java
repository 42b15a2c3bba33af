package org.jlibp2p.relay.dcutr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.relay.RelayEvent;
import org.jlibp2p.relay.Reservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three nodes on loopback TCP: B reserves on the relay, A reaches B through it, DCUtR makes them a direct link. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DcutrLoopbackTest {
    @Test
    void aRelayedConnectionIsUpgradedToADirectOne() throws Exception {
        try (TcpNode relay = new TcpNode("/ip4/127.0.0.1/tcp/0", true);
                TcpNode a = new TcpNode("/ip4/127.0.0.1/tcp/0", false);
                TcpNode b = new TcpNode("/ip4/127.0.0.1/tcp/0", false)) {
            a.swarm.dial(relay.address);
            Reservation r = b.client.reserve(relay.swarm.localPeer(), List.of(relay.address));
            // Each learns its observed address from the relay's identify.
            a.recorder.await(SwarmEvent.ExternalAddressCandidate.class, e -> true, Duration.ofSeconds(20));
            b.recorder.await(SwarmEvent.ExternalAddressCandidate.class, e -> true, Duration.ofSeconds(20));
            Multiaddr circuit = r.circuitAddresses().getFirst().withPeerId(b.swarm.localPeer().multihash());
            Connection relayed = a.swarm.dial(circuit);
            assertTrue(relayed.limited());
            var up = b.recorder.awaitEmitted(DcutrEvent.DirectConnectionUpgraded.class, e -> true,
                    Duration.ofSeconds(40));
            assertTrue(up.initiator());
            a.recorder.awaitEmitted(DcutrEvent.class, e -> e instanceof DcutrEvent.DirectConnectionUpgraded,
                    Duration.ofSeconds(40));
            Connection direct = a.swarm.connection(b.swarm.localPeer()).orElseThrow();
            assertFalse(direct.limited(), "new streams go over the direct connection: " + direct);
            byte[] data = new byte[300_000]; // more than the relay would carry
            new Random(1).nextBytes(data);
            assertArrayEquals(data, EchoBehaviour.exchange(direct, data));
            // The relayed connection, idle, is closed by the side that ends the exchange last; the circuit is freed.
            a.recorder.await(SwarmEvent.ConnectionClosed.class, e -> e.connection().id() == relayed.id(),
                    Duration.ofSeconds(20));
            assertFalse(relayed.isOpen());
            relay.recorder.awaitEmitted(RelayEvent.CircuitClosed.class, e -> true, Duration.ofSeconds(20));
            assertEquals(0, relay.service.circuitCount());
            assertTrue(direct.isOpen(), "the direct connection stays");
            try (var s = a.swarm.newStream(b.swarm.localPeer(), List.of(EchoBehaviour.PROTOCOL_ID))) {
                assertEquals(direct.id(), s.connection().id());
            }
            System.out.println("loopback hole punch: round " + up.attempt() + ", rtt " + up.rtt().toMillis()
                    + " ms, direct " + up.elapsed().toMillis() + " ms after the relayed connection");
        }
    }
}
