package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.DialException;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayService;
import org.jlibp2p.relay.RelayTransport;
import org.jlibp2p.relay.Reservation;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Circuit relay v2 with js-libp2p's @libp2p/circuit-relay-v2 (interop/js/relay.mjs): our relay serving js clients,
 * a js relay serving ours, echo streams over the relayed connections, and a circuit to a peer without reservation
 * refused with NO_RESERVATION, either way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayInteropTest {
    /** A Java node: TCP, Noise, Yamux, identify, echo (allowed on relayed connections), relay client, maybe a relay. */
    private static final class Node implements AutoCloseable {
        final Swarm swarm;
        final RelayClient client = new RelayClient();
        final Multiaddr address;

        Node(boolean relay) throws IOException {
            PrivateKey key = Keys.generateEd25519().privateKey();
            swarm = new Swarm(new SwarmConfig(key, List.of(new TcpTransport(), new RelayTransport(client)),
                    List.of(new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)))),
                    List.of(new Yamux())));
            swarm.addBehaviour(new IdentifyBehaviour());
            swarm.addBehaviour(new EchoBehaviour());
            swarm.addBehaviour(client);
            if (relay) {
                swarm.addBehaviour(new RelayService());
            }
            swarm.allowOnLimitedConnections(EchoBehaviour.PROTOCOL_ID);
            address = swarm.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).withPeerId(swarm.localPeer().multihash());
        }

        PeerId id() {
            return swarm.localPeer();
        }

        @Override
        public void close() {
            swarm.close();
        }
    }

    private JsScript js;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        js = JsScript.start("relay.mjs");
        assertEquals("ready", js.next(60).get("event").getAsString());
    }

    @AfterAll
    void stop() {
        if (js != null) {
            js.close();
        }
        nodes.forEach(Node::close);
    }

    private Node node(boolean relay) throws IOException {
        Node n = new Node(relay);
        nodes.add(n);
        return n;
    }

    private JsonObject ok(JsonObject answer) {
        assertTrue(answer.get("ok").getAsBoolean(), answer.toString());
        return answer;
    }

    /** The /p2p-circuit address through {@code relay} among a js node's addresses, ending with its /p2p/. */
    private static String circuitVia(JsonObject started, PeerId relay) {
        for (var a : started.getAsJsonArray("addrs")) {
            String s = a.getAsString();
            if (s.contains("/p2p/" + relay + "/p2p-circuit")) {
                return s.endsWith("/p2p/" + started.get("peerId").getAsString()) ? s
                        : s + "/p2p/" + started.get("peerId").getAsString();
            }
        }
        throw new AssertionError("no address through " + relay + " in " + started);
    }

    @Test
    void ourRelayServesJsClients() throws Exception {
        Node relay = node(true);
        Node a = node(false);
        JsonObject jb = ok(js.send(30, "cmd", "start", "name", "jb", "server", "false", "relay", relay.address));
        String circuit = circuitVia(jb, relay.id());
        // Java to js, through our relay.
        Connection c = a.swarm.dial(Multiaddr.parse(circuit));
        assertTrue(c.limited());
        byte[] data = new byte[50_000];
        new Random(5).nextBytes(data);
        assertArrayEquals(data, EchoBehaviour.exchange(c, data));
        // js to js, through our relay.
        ok(js.send(30, "cmd", "start", "name", "ja", "server", "false", "relay", ""));
        JsonObject e = ok(js.send(30, "cmd", "echo", "name", "ja", "addr", circuit, "size", 50_000));
        assertTrue(e.get("same").getAsBoolean() && e.get("limited").getAsBoolean(), e.toString());
        assertEquals(2, relay.swarm.behaviour(RelayService.class).orElseThrow().circuitCount());
    }

    @Test
    void aJsRelayServesOurs() throws Exception {
        JsonObject jr = ok(js.send(30, "cmd", "start", "name", "jr", "server", "true", "relay", ""));
        PeerId jrId = PeerId.parse(jr.get("peerId").getAsString());
        Multiaddr jrAddr = Multiaddr.parse(jr.getAsJsonArray("addrs").get(0).getAsString());
        Node b = node(false);
        Reservation r = b.client.reserve(jrId, List.of(jrAddr));
        assertEquals(jrId, r.relay());
        assertTrue(r.voucher().isPresent(), "js signs a voucher");
        assertFalse(r.circuitAddresses().isEmpty());
        String circuit = r.circuitAddresses().getFirst().withPeerId(b.id().multihash()).toString();
        ok(js.send(30, "cmd", "start", "name", "jc", "server", "false", "relay", ""));
        JsonObject e = ok(js.send(30, "cmd", "echo", "name", "jc", "addr", circuit, "size", 50_000));
        assertTrue(e.get("same").getAsBoolean() && e.get("limited").getAsBoolean(), e.toString());
        // And ours to ours through the js relay.
        Node a = node(false);
        Connection c = a.swarm.dial(Multiaddr.parse(circuit));
        assertTrue(c.limited());
        assertArrayEquals(new byte[] {4, 5, 6}, EchoBehaviour.exchange(c, new byte[] {4, 5, 6}));
    }

    @Test
    void aCircuitToAPeerWithoutReservationIsRefusedWithNoReservationEitherWay() throws Exception {
        JsonObject jr = ok(js.send(30, "cmd", "start", "name", "jr2", "server", "true", "relay", ""));
        String jrAddr = jr.getAsJsonArray("addrs").get(0).getAsString();
        Node a = node(false);
        Node lonely = node(false);
        lonely.swarm.dial(Multiaddr.parse(jrAddr));
        DialException e = assertThrows(DialException.class, () -> a.swarm.dial(Multiaddr.parse(
                jrAddr + "/p2p-circuit/p2p/" + lonely.id())));
        assertTrue(e.getMessage().contains("NO_RESERVATION"), e.getMessage());

        Node relay = node(true);
        lonely.swarm.dial(relay.address);
        ok(js.send(30, "cmd", "start", "name", "jd", "server", "false", "relay", ""));
        JsonObject refused = js.send(30, "cmd", "echo", "name", "jd", "addr",
                relay.address + "/p2p-circuit/p2p/" + lonely.id(), "size", 10);
        assertFalse(refused.get("ok").getAsBoolean(), refused.toString());
        assertTrue(refused.get("error").getAsString().contains("NO_RESERVATION"), refused.toString());
    }
}
