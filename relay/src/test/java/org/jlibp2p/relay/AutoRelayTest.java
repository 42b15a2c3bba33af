package org.jlibp2p.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jlibp2p.autonat.AutonatEvent;
import org.jlibp2p.autonat.Reachability;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A private node finds relays among its peers, reserves on them, and replaces one that goes away. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AutoRelayTest {
    private static final int R1 = 0;
    private static final int R2 = 1;
    private static final int R3 = 2;
    private static final int PLAIN = 3;
    private static final int PRIVATE = 4;
    private static final int DIALER1 = 5;
    private static final int DIALER2 = 6;
    private static final int DIALER3 = 7;

    /** Says what AutoNAT would, on its node. */
    private static final class Reachable implements Behaviour {
        private volatile BehaviourContext context;

        @Override
        public void start(BehaviourContext context) {
            this.context = context;
        }

        void is(Reachability r) {
            context.execute(() -> context.emit(new AutonatEvent.ReachabilityChanged(r, Optional.empty())));
        }
    }

    private final List<RelayClient> clients = new ArrayList<>();
    private final Reachable reachable = new Reachable();
    private AutoRelay autoRelay;

    private TestNetwork network() throws Exception {
        return network(RelayConfig.defaults());
    }

    /** R1 runs with {@code r1}, R2 and R3 with the defaults. */
    private TestNetwork network(RelayConfig r1) throws Exception {
        return TestNetwork.builder().nodes(8).configure(c -> {
            RelayClient client = new RelayClient();
            clients.add(client);
            List<Transport> transports = new ArrayList<>(c.transports());
            transports.add(new RelayTransport(client));
            return new SwarmConfig(c.identity(), transports, c.security(), c.muxers(), c.limits(), c.dialTimeout(),
                    c.eventQueueCapacity(), c.scheduler(), c.idleConnectionTimeout(), c.relayDialDelay());
        }).behaviours(i -> {
            List<Behaviour> b = new ArrayList<>(List.of(clients.get(i), new IdentifyBehaviour(),
                    new EchoBehaviour()));
            if (i <= R3) {
                b.add(new RelayService(i == R1 ? r1 : RelayConfig.defaults()));
            }
            if (i == PRIVATE) {
                autoRelay = new AutoRelay(clients.get(i));
                b.add(autoRelay);
                b.add(reachable);
            }
            return b;
        }).build();
    }

    private Set<PeerId> reservedOn() {
        return clients.get(PRIVATE).reservations().stream().map(Reservation::relay).collect(Collectors.toSet());
    }

    private static Multiaddr circuitVia(TestNode relay, TestNode target, List<Multiaddr> advertised) {
        return advertised.stream().filter(a -> a.component(Protocol.P2P_CIRCUIT).isPresent()
                && a.toString().contains("/p2p/" + relay.peerId() + "/")).findFirst().orElseThrow(
                        () -> new AssertionError("no circuit via " + relay.peerId() + " in " + advertised))
                .withPeerId(target.peerId().multihash());
    }

    private static void requireIdentified(TestNetwork net, TestNode node, TestNode peer) throws Exception {
        net.require(node.name() + " identified " + peer.name(), () -> node.swarm().peerstore()
                .protocols(peer.peerId()).contains(IdentifyBehaviour.PROTOCOL_ID));
    }

    @Test
    void aPrivateNodeReservesOnTwoRelayCapablePeersIsReachedThroughThemAndReplacesOneThatLeaves()
            throws Exception {
        try (TestNetwork net = network()) {
            for (TestNode n : net.nodes()) {
                n.swarm().allowOnLimitedConnections(EchoBehaviour.PROTOCOL_ID);
            }
            TestNode p = net.node(PRIVATE);
            for (int i : new int[] {R1, PLAIN, R2}) {
                p.swarm().dial(net.node(i).address());
                requireIdentified(net, p, net.node(i));
            }
            assertTrue(reservedOn().isEmpty(), "nothing reserved before AutoNAT speaks");
            reachable.is(Reachability.PRIVATE);
            Set<PeerId> two = Set.of(net.node(R1).peerId(), net.node(R2).peerId());
            net.require("reserved on the two relays", () -> reservedOn().equals(two));
            assertFalse(reservedOn().contains(net.node(PLAIN).peerId()));
            net.require("both circuits advertised", () -> p.swarm().externalAddresses().stream()
                    .filter(a -> a.component(Protocol.P2P_CIRCUIT).isPresent()).count() == 2);

            // A third node reaches it through each relay (each dialler knows only the circuit address).
            List<Multiaddr> advertised = p.swarm().externalAddresses();
            int d = DIALER1;
            for (int relay : new int[] {R1, R2}) {
                Connection c = net.node(d++).swarm().dial(circuitVia(net.node(relay), p, advertised));
                assertTrue(c.limited());
                assertArrayEquals(new byte[] {9, 8, 7}, EchoBehaviour.exchange(c, new byte[] {9, 8, 7}));
            }

            // A third relay-capable peer joins: two are enough.
            p.swarm().dial(net.node(R3).address());
            requireIdentified(net, p, net.node(R3));
            assertTrue(p.swarm().awaitEventsHandled(Duration.ofSeconds(10)));
            assertEquals(two, autoRelay.relays(), "no reservation past the two wanted");

            // R1 goes away: its place goes to R3.
            net.node(R1).swarm().close();
            Set<PeerId> after = Set.of(net.node(R2).peerId(), net.node(R3).peerId());
            net.require("R1 replaced by R3", () -> reservedOn().equals(after));
            net.require("R1's circuit withdrawn, R3's advertised", () -> {
                List<Multiaddr> now = p.swarm().externalAddresses();
                return now.stream().noneMatch(a -> a.toString().contains("/p2p/" + net.node(R1).peerId() + "/"))
                        && now.stream().anyMatch(a -> a.toString().contains("/p2p/" + net.node(R3).peerId() + "/"));
            });
            // A node that knows P only by its new circuit (the first two learnt P's own address over identify).
            Connection viaR3 = net.node(DIALER3).swarm().dial(circuitVia(net.node(R3), p,
                    p.swarm().externalAddresses()));
            assertTrue(viaR3.limited());
            assertArrayEquals(new byte[] {1}, EchoBehaviour.exchange(viaR3, new byte[] {1}));

            // Reachable after all: the reservations are released.
            reachable.is(Reachability.PUBLIC);
            net.require("reservations released", () -> reservedOn().isEmpty());
            net.require("no circuit advertised", () -> p.swarm().externalAddresses().stream()
                    .noneMatch(a -> a.component(Protocol.P2P_CIRCUIT).isPresent()));
        }
    }

    @Test
    void aPrivateNodeWithOneRelayCandidateReservesThereAndTakesTheNextOneWhenItComes() throws Exception {
        try (TestNetwork net = network()) {
            TestNode p = net.node(PRIVATE);
            reachable.is(Reachability.PRIVATE);
            p.swarm().dial(net.node(PLAIN).address());
            p.swarm().dial(net.node(R2).address());
            net.require("reserved on the one relay", () -> reservedOn().equals(Set.of(net.node(R2).peerId())));
            p.swarm().dial(net.node(R1).address());
            net.require("and on the next one", () -> reservedOn().equals(Set.of(net.node(R1).peerId(),
                    net.node(R2).peerId())));
        }
    }

    @Test
    void aRelayThatRefusesIsPassedOverForTheOthers() throws Exception {
        try (TestNetwork net = network(RelayConfig.defaults().withMaxReservations(1))) {
            TestNode p = net.node(PRIVATE);
            // R1's one slot is taken.
            clients.get(DIALER1).reserve(net.node(R1).peerId(), List.of(net.node(R1).address()));
            reachable.is(Reachability.PRIVATE);
            p.swarm().dial(net.node(R1).address());
            net.node(R1).recorder().awaitEmitted(RelayEvent.ReservationRefused.class,
                    e -> e.peer().equals(p.peerId()));
            for (int i : new int[] {R2, R3}) {
                p.swarm().dial(net.node(i).address());
            }
            Set<PeerId> others = Set.of(net.node(R2).peerId(), net.node(R3).peerId());
            net.require("reserved on R2 and R3", () -> reservedOn().equals(others));
            assertEquals(1, net.node(R1).recorder().emitted(RelayEvent.ReservationRefused.class).size(),
                    "R1 was not asked again");
            assertTrue(p.swarm().awaitEventsHandled(Duration.ofSeconds(10)));
            assertEquals(others, autoRelay.relays());
        }
    }
}
