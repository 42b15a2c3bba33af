package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.node.DaemonFixture.Control;
import org.jlibp2p.autonat.AutonatEvent;
import org.jlibp2p.autonat.Reachability;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.relay.AutoRelay;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayService;
import org.jlibp2p.relay.Reservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's relay flags: a -relayHop daemon relays, -autoRelay reserves, CONNECT and p2pctl go through. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayControlTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    private static Run ctl(P2pd.Daemon d, InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "-control";
        all[1] = d.control().address().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int status = P2pctl.run(all, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run ctl(P2pd.Daemon d, String... args) {
        return ctl(d, InputStream.nullInputStream(), args);
    }

    @Test
    void aDaemonBehindARelayIsReachedThroughItAndP2pctlShowsTheRelay() throws Exception {
        try (P2pd.Daemon relay = DaemonFixture.start(Control.TCP, dir, "r", "-relayHop");
                P2pd.Daemon a = DaemonFixture.start(Control.TCP, dir, "a");
                P2pd.Daemon b = DaemonFixture.start(Control.TCP, dir, "b", "-autoRelay");
                P2pd.Daemon c = DaemonFixture.start(Control.TCP, dir, "c")) {
            assertTrue(relay.swarm().protocols().contains(RelayService.HOP_PROTOCOL_ID));
            assertTrue(a.swarm().behaviour(RelayService.class).isEmpty(), "the relay service is off unless asked");
            Multiaddr r = relay.addresses().getFirst().withPeerId(relay.swarm().localPeer().multihash());
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<Reservation> made = P2pd.autoRelay(b.swarm(), List.of(r, c.addresses().getFirst()
                    .withPeerId(c.swarm().localPeer().multihash())), new PrintStream(log, true, StandardCharsets.UTF_8));
            assertEquals(1, made.size(), "only the relay grants a reservation: " + log);

            Run id = ctl(b, "identify");
            String circuit = id.out().lines().filter(l -> l.contains("/p2p-circuit")).findFirst().orElseThrow(
                    () -> new AssertionError("IDENTIFY shows no relayed address: " + id.out()));
            Run relays = ctl(b, "relays");
            assertEquals("reservation " + relay.swarm().localPeer() + " " + circuit, relays.out().strip());

            String bId = b.swarm().localPeer().toString();
            Run connect = ctl(a, "connect", circuit + "/p2p/" + bId);
            assertEquals(0, connect.status(), connect.err());
            Run peers = ctl(a, "peers");
            assertTrue(peers.out().lines().anyMatch(l -> l.startsWith(bId) && l.contains("/p2p-circuit")),
                    "LIST_PEERS shows the relayed connection: " + peers.out());
            assertTrue(ctl(a, "relays").out().contains("relayed " + bId + " via " + relay.swarm().localPeer()));
            assertTrue(a.swarm().connection(b.swarm().localPeer()).orElseThrow().limited());

            Run echo = ctl(a, new ByteArrayInputStream("through the relay".getBytes(StandardCharsets.UTF_8)),
                    "stream", bId, "/echo/1.0.0");
            assertEquals("through the relay", echo.out(), echo.err());

            // C holds no reservation: the relay refuses, and the error names why.
            Multiaddr toC = r.encapsulate(Multiaddr.parse("/p2p-circuit"))
                    .withPeerId(c.swarm().localPeer().multihash());
            assertTrue(toC.component(Protocol.P2P_CIRCUIT).isPresent());
            Run refused = ctl(a, "connect", toC.toString());
            assertEquals(1, refused.status());
            assertTrue(refused.err().contains("NO_RESERVATION"), refused.err());
            assertTrue(DaemonFixture.eventually(Duration.ofSeconds(5), () -> relay.swarm().isConnected(
                    b.swarm().localPeer())));
        }
    }

    @Test
    void withoutBootstrapPeersAutoRelayFindsTheRelayAmongConnectedPeersOnceTheNodeIsPrivate() throws Exception {
        try (P2pd.Daemon relay = DaemonFixture.start(Control.TCP, dir, "r", "-relayHop");
                P2pd.Daemon plain = DaemonFixture.start(Control.TCP, dir, "p");
                P2pd.Daemon b = DaemonFixture.start(Control.TCP, dir, "b", "-autoRelay")) {
            AutoRelay auto = b.swarm().behaviour(AutoRelay.class).orElseThrow(
                    () -> new AssertionError("-autoRelay without bootstrap peers finds relays itself"));
            RelayClient client = b.swarm().behaviour(RelayClient.class).orElseThrow();
            PeerId r = relay.swarm().localPeer();
            b.swarm().dial(plain.addresses().getFirst().withPeerId(plain.swarm().localPeer().multihash()));
            b.swarm().dial(relay.addresses().getFirst().withPeerId(r.multihash()));
            assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> b.swarm().peerstore().protocols(r)
                    .contains(RelayService.HOP_PROTOCOL_ID)), "identify told B that R relays");
            assertTrue(client.reservations().isEmpty(), "nothing reserved while the reachability is unknown");
            // What AutoNAT reports once its servers fail to dial B back (none runs here: it stays unknown).
            b.swarm().addBehaviour(new Behaviour() {
                @Override
                public void start(BehaviourContext context) {
                    context.emit(new AutonatEvent.ReachabilityChanged(Reachability.PRIVATE, Optional.empty()));
                }
            });
            assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> client.reservations().stream()
                    .anyMatch(x -> x.relay().equals(r))), "B reserved on R");
            assertTrue(auto.active());
            assertEquals(Set.of(r), auto.relays(), "the plain peer is no relay");
            Run relays = ctl(b, "relays");
            assertTrue(relays.out().startsWith("reservation " + r + " "), relays.out());
        }
    }

    @Test
    void withBootstrapPeersAutoRelayReservesOnThemAsBefore() throws Exception {
        try (P2pd.Daemon relay = DaemonFixture.start(Control.TCP, dir, "r", "-relayHop");
                P2pd.Daemon b = DaemonFixture.start(Control.TCP, dir, "b", "-autoRelay", "-bootstrapPeers",
                        relay.addresses().getFirst().withPeerId(relay.swarm().localPeer().multihash())
                                .toString())) {
            assertTrue(b.swarm().behaviour(AutoRelay.class).isEmpty(), "static relays: no discovery");
        }
    }
}
