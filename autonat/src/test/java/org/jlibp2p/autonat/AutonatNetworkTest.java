package org.jlibp2p.autonat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.autonat.internal.AutonatV1Codec;
import org.jlibp2p.autonat.internal.AutonatV2Codec;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyConfig;
import org.jlibp2p.testkit.EventRecorder;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real nodes over TCP on loopback (private addresses allowed, as on a LAN): three AutoNAT servers, and clients that
 * are reachable or not; then an attacker that tries to make a server dial someone else, or to flood it.
 */
@Timeout(60)
class AutonatNetworkTest {
    private final List<Swarm> swarms = new ArrayList<>();

    @AfterEach
    void closeAll() {
        swarms.forEach(Swarm::close);
    }

    private Swarm swarm() {
        Swarm s = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
        swarms.add(s);
        return s;
    }

    private static AutonatConfig serverConfig(boolean v2) {
        return AutonatConfig.defaults().withClient(false).withServer(true).withV2(v2).withAllowPrivateAddresses(true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** A server: identify (so clients learn it serves AutoNAT) and AutoNAT dialling back from a swarm of its own. */
    private Multiaddr server(AutonatConfig config) throws IOException {
        Swarm s = swarm();
        s.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withConfirmations(0)));
        s.addBehaviour(new AutonatBehaviour(config, DialBack.over(swarm())));
        return TestNodes.withPeer(TestNodes.listenTcp(s), s.localPeer());
    }

    private record Client(Swarm swarm, EventRecorder events, AutonatBehaviour autonat) {}

    private Client client(boolean v2, boolean listen, Behaviour... extra) throws IOException {
        Swarm s = swarm();
        s.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withConfirmations(0)));
        AutonatBehaviour autonat = new AutonatBehaviour(AutonatConfig.defaults().withV2(v2)
                .withAllowPrivateAddresses(true)
                .withSchedule(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(30)));
        s.addBehaviour(autonat);
        for (Behaviour b : extra) {
            s.addBehaviour(b);
        }
        EventRecorder events = TestNodes.recorder(s);
        if (listen) {
            TestNodes.listenTcp(s);
        }
        return new Client(s, events, autonat);
    }

    private static Multiaddr deadAddress() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + ss.getLocalPort());
        }
    }

    /** Reports {@code address} as an external address candidate, as identify does with an observed address. */
    private record Candidate(Multiaddr address) implements Behaviour {
        @Override
        public void start(BehaviourContext context) {
            context.addExternalAddressCandidate(address);
        }
    }

    @ParameterizedTest(name = "v2 = {0}")
    @ValueSource(booleans = {false, true})
    void aNodeTheServersCanDialIsPublicAndItsAddressConfirmed(boolean v2) throws Exception {
        List<Multiaddr> servers = List.of(server(serverConfig(v2)), server(serverConfig(v2)), server(serverConfig(v2)));
        Client c = client(v2, true);
        for (Multiaddr s : servers) {
            c.swarm().dial(s);
        }
        AutonatEvent.ReachabilityChanged changed = c.events().awaitEmitted(AutonatEvent.ReachabilityChanged.class,
                e -> true, Duration.ofSeconds(30));
        assertEquals(Reachability.PUBLIC, changed.reachability());
        assertEquals(c.swarm().listenAddresses().get(0), changed.address().orElseThrow());
        assertEquals(Reachability.PUBLIC, c.autonat().reachability());
        List<AutonatEvent.ProbeAnswered> answers = c.events().emitted(AutonatEvent.ProbeAnswered.class);
        assertTrue(answers.size() >= 3);
        String expected = v2 ? AutonatBehaviour.V2_DIAL_REQUEST : AutonatBehaviour.PROTOCOL_ID;
        assertTrue(answers.stream().allMatch(a -> a.protocol().equals(expected)), answers.toString());
        assertEquals(3, answers.stream().map(AutonatEvent.ProbeAnswered::server).distinct().count());
    }

    @ParameterizedTest(name = "v2 = {0}")
    @ValueSource(booleans = {false, true})
    void aNodeWhoseAddressCannotBeDialledIsPrivate(boolean v2) throws Exception {
        List<Multiaddr> servers = List.of(server(serverConfig(v2)), server(serverConfig(v2)), server(serverConfig(v2)));
        Multiaddr dead = deadAddress();
        Client c = client(v2, false, new Candidate(dead));
        for (Multiaddr s : servers) {
            c.swarm().dial(s);
        }
        AutonatEvent.ReachabilityChanged changed = c.events().awaitEmitted(AutonatEvent.ReachabilityChanged.class,
                e -> true, Duration.ofSeconds(30));
        assertEquals(Reachability.PRIVATE, changed.reachability());
        assertTrue(c.swarm().externalAddresses().isEmpty());
    }

    @Test
    void anAddressReachedThatTheNodeDoesNotListenOnBecomesAnExternalAddress() throws Exception {
        // A NAT with a port mapping: the node listens on 127.0.0.2 (which the servers will not dial: they see it
        // come from 127.0.0.1) and a forwarder on 127.0.0.1 leads to it, an address the node learnt as a candidate.
        Client c;
        try (PortForwarder forwarder = new PortForwarder()) {
            Multiaddr forwarded = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + forwarder.port());
            c = client(false, false, new Candidate(forwarded));
            Multiaddr bound = c.swarm().listen(Multiaddr.parse("/ip4/127.0.0.2/tcp/0"));
            forwarder.forwardTo(org.jlibp2p.core.multiaddr.SocketAddresses.toInetSocketAddress(bound).orElseThrow());
            List<Multiaddr> servers = List.of(server(serverConfig(false)), server(serverConfig(false)),
                    server(serverConfig(false)));
            for (Multiaddr s : servers) {
                c.swarm().dial(s);
            }
            AutonatEvent.ReachabilityChanged changed = c.events().awaitEmitted(
                    AutonatEvent.ReachabilityChanged.class, e -> true, Duration.ofSeconds(30));
            assertEquals(Reachability.PUBLIC, changed.reachability(),
                    c.events().emitted(AutonatEvent.ProbeAnswered.class).toString());
            assertEquals(forwarded, changed.address().orElseThrow());
            c.events().await(SwarmEvent.ExternalAddressConfirmed.class, e -> e.address().equals(forwarded),
                    Duration.ofSeconds(10));
            assertEquals(List.of(forwarded), c.swarm().externalAddresses());

            // The node now advertises it: a newcomer's identify gets it, in the signed peer record too.
            Swarm newcomer = swarm();
            newcomer.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withConfirmations(0)));
            EventRecorder seen = TestNodes.recorder(newcomer);
            newcomer.dial(c.swarm().localPeer(), List.of(bound));
            org.jlibp2p.identify.IdentifyEvent.Received r = seen.awaitEmitted(
                    org.jlibp2p.identify.IdentifyEvent.Received.class,
                    e -> e.peer().equals(c.swarm().localPeer()), Duration.ofSeconds(10));
            assertTrue(r.info().listenAddrs().contains(forwarded), r.info().listenAddrs().toString());
            assertTrue(r.info().signedPeerRecord().orElseThrow().addresses().contains(forwarded));
            assertTrue(newcomer.peerstore().addresses(c.swarm().localPeer()).contains(forwarded));
        }
    }

    @Test
    void aV1ServerNeverDialsAnotherIpAndRefusesMismatchedPeersAndFloods() throws Exception {
        Multiaddr server = server(serverConfig(true));
        Swarm victim = swarm();
        EventRecorder victimEvents = TestNodes.recorder(victim);
        Multiaddr victimAddr = victim.listen(Multiaddr.parse("/ip4/127.0.0.2/tcp/0"));
        Swarm attacker = swarm();
        attacker.dial(server);

        AutonatV1Codec.DialResponse r = v1(attacker, server,
                new AutonatV1Codec.Dial(attacker.localPeer(), List.of(victimAddr)));
        assertEquals(AutonatV1Codec.Status.E_DIAL_REFUSED, r.status(), r.text());
        r = v1(attacker, server, new AutonatV1Codec.Dial(victim.localPeer(), List.of(deadAddress())));
        assertEquals(AutonatV1Codec.Status.E_BAD_REQUEST, r.status(), "asking for another peer: " + r.text());

        for (int i = 0; i < 3; i++) {
            r = v1(attacker, server, new AutonatV1Codec.Dial(attacker.localPeer(), List.of(deadAddress())));
            assertEquals(AutonatV1Codec.Status.E_DIAL_ERROR, r.status(), r.text());
        }
        r = v1(attacker, server, new AutonatV1Codec.Dial(attacker.localPeer(), List.of(deadAddress())));
        assertEquals(AutonatV1Codec.Status.E_DIAL_REFUSED, r.status());
        assertEquals("too many requests from this peer", r.text());
        assertTrue(victimEvents.all(SwarmEvent.ConnectionEstablished.class).isEmpty());
        assertTrue(victimEvents.all(SwarmEvent.IncomingConnectionFailed.class).isEmpty(), "not even a TCP handshake");
    }

    @Test
    void aV2ServerAsksForMoreBytesThanItSpendsBeforeDiallingAnotherIp() throws Exception {
        Multiaddr server = server(serverConfig(true));
        Swarm victim = swarm();
        EventRecorder victimEvents = TestNodes.recorder(victim);
        Multiaddr victimAddr = victim.listen(Multiaddr.parse("/ip4/127.0.0.2/tcp/0"));
        Swarm attacker = swarm();
        attacker.dial(server);

        try (Stream s = attacker.newStream(server.peerIdMultihash().map(m -> peer(m)).orElseThrow(),
                List.of(AutonatBehaviour.V2_DIAL_REQUEST))) {
            s.setReadTimeout(Duration.ofSeconds(10));
            AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialRequest(List.of(victimAddr), 42));
            AutonatV2Codec.DialDataRequest ask = assertInstanceOf(AutonatV2Codec.DialDataRequest.class,
                    AutonatV2Codec.read(s.input()));
            assertEquals(0, ask.addressIndex());
            assertTrue(ask.bytes() >= 30_000 && ask.bytes() <= 100_000, "asked " + ask.bytes());
            // The attacker walks away without paying.
        }
        Thread.sleep(300);
        assertTrue(victimEvents.all(SwarmEvent.IncomingConnectionFailed.class).isEmpty(), "no dial without data");

        // Paying in empty chunks is not paying.
        try (Stream s = attacker.newStream(peer(server.peerIdMultihash().orElseThrow()),
                List.of(AutonatBehaviour.V2_DIAL_REQUEST))) {
            s.setReadTimeout(Duration.ofSeconds(10));
            AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialRequest(List.of(victimAddr), 43));
            AutonatV2Codec.DialDataRequest ask = (AutonatV2Codec.DialDataRequest) AutonatV2Codec.read(s.input());
            assertThrows(IOException.class, () -> {
                for (long i = 0; i < ask.bytes() / 100 + 100; i++) {
                    AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialDataResponse(new byte[0]));
                }
                AutonatV2Codec.read(s.input());
            });
        }

        // Paid in full, the server dials once; the victim's identity is not the requester's, so the dial fails.
        try (Stream s = attacker.newStream(peer(server.peerIdMultihash().orElseThrow()),
                List.of(AutonatBehaviour.V2_DIAL_REQUEST))) {
            s.setReadTimeout(Duration.ofSeconds(10));
            AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialRequest(List.of(victimAddr), 44));
            AutonatV2Codec.DialDataRequest ask = (AutonatV2Codec.DialDataRequest) AutonatV2Codec.read(s.input());
            for (long left = ask.bytes(); left > 0; left -= 4096) {
                AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialDataResponse(new byte[(int) Math.min(4096, left)]));
            }
            AutonatV2Codec.DialResponse r = assertInstanceOf(AutonatV2Codec.DialResponse.class,
                    AutonatV2Codec.read(s.input()));
            assertEquals(AutonatV2Codec.ResponseStatus.OK, r.status());
            assertEquals(AutonatV2Codec.DialStatus.E_DIAL_ERROR, r.dialStatus());
        }
        assertTrue(victimEvents.until(() -> !victimEvents.all(SwarmEvent.IncomingConnectionFailed.class).isEmpty(),
                Duration.ofSeconds(10)), "one dial, paid for");
        assertTrue(victimEvents.all(SwarmEvent.ConnectionEstablished.class).isEmpty());
    }

    @Test
    void aSlowPayerLosesItsStreamWhenTheRequestTimeoutEndsThoughEachPieceCameInTime() throws Exception {
        Multiaddr server = server(serverConfig(true).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)));
        Swarm attacker = swarm();
        attacker.dial(server);
        Multiaddr elsewhere = Multiaddr.parse("/ip4/127.0.0.2/tcp/" + deadAddress().valueOf(
                org.jlibp2p.core.multiaddr.Protocol.TCP).orElseThrow());
        long start = System.nanoTime();
        try (Stream s = attacker.newStream(peer(server.peerIdMultihash().orElseThrow()),
                List.of(AutonatBehaviour.V2_DIAL_REQUEST))) {
            s.setReadTimeout(Duration.ofSeconds(10));
            AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialRequest(List.of(elsewhere), 45));
            assertInstanceOf(AutonatV2Codec.DialDataRequest.class, AutonatV2Codec.read(s.input()));
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) { // one small piece every 300 ms: each in time, the whole too slow
                    AutonatV2Codec.write(s.output(), new AutonatV2Codec.DialDataResponse(new byte[100]));
                    Thread.sleep(300);
                }
                AutonatV2Codec.read(s.input());
            });
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 10, "cut off after " + seconds + " s");
    }

    @Test
    void garbageCostsTheSenderItsStreamAndTheServerKeepsServing() throws Exception {
        Multiaddr server = server(serverConfig(false));
        Swarm attacker = swarm();
        attacker.dial(server);
        try (Stream s = attacker.newStream(peer(server.peerIdMultihash().orElseThrow()),
                List.of(AutonatBehaviour.PROTOCOL_ID))) {
            s.setReadTimeout(Duration.ofSeconds(10));
            s.output().write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
            s.output().flush();
            assertThrows(IOException.class, () -> AutonatV1Codec.read(s.input()));
        }
        AutonatV1Codec.DialResponse r = v1(attacker, server,
                new AutonatV1Codec.Dial(attacker.localPeer(), List.of(deadAddress())));
        assertEquals(AutonatV1Codec.Status.E_DIAL_ERROR, r.status());
    }

    private static org.jlibp2p.core.peer.PeerId peer(org.jlibp2p.core.multiformats.Multihash m) {
        try {
            return org.jlibp2p.core.peer.PeerId.fromMultihash(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AutonatV1Codec.DialResponse v1(Swarm from, Multiaddr server, AutonatV1Codec.Dial dial)
            throws IOException {
        try (Stream s = from.newStream(peer(server.peerIdMultihash().orElseThrow()),
                List.of(AutonatBehaviour.PROTOCOL_ID))) {
            s.setReadTimeout(Duration.ofSeconds(15));
            AutonatV1Codec.write(s.output(), dial);
            return assertInstanceOf(AutonatV1Codec.DialResponse.class, AutonatV1Codec.read(s.input()));
        }
    }
}
