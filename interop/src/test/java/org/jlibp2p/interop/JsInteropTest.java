package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Peerstore;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Java node and a js-libp2p node (from npm) over TCP with Noise and Yamux or mplex, each side dialling the other,
 * for Ed25519, secp256k1 and RSA identities: ping and identify both ways, echo both ways with checksums, large
 * transfers and many concurrent streams.
 */
@Timeout(180)
class JsInteropTest {
    static final long MIB = 1024 * 1024;

    static Stream<Arguments> stacks() {
        List<Arguments> out = new ArrayList<>();
        for (String muxer : List.of("yamux", "mplex")) {
            for (String key : List.of("ed25519", "secp256k1", "rsa")) {
                out.add(Arguments.of(muxer, key));
            }
        }
        return out.stream();
    }

    private static KeyType keyType(String key) {
        return switch (key) {
            case "secp256k1" -> KeyType.SECP256K1;
            case "rsa" -> KeyType.RSA;
            default -> KeyType.ED25519;
        };
    }

    private static String muxerId(String muxer) {
        return muxer.equals("mplex") ? "/mplex/6.7.0" : "/yamux/1.0.0";
    }

    /** The build runs these tests once per ChaCha20-Poly1305 implementation (interop/pom.xml): check it is so. */
    @org.junit.jupiter.api.Test
    void noiseUsesTheCipherAskedFor() {
        String wanted = System.getProperty("jlibp2p.noise.cipher", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(wanted.equals("jdk") || wanted.equals("conscrypt"),
                "no implementation asked for");
        assertEquals(wanted.equals("jdk") ? "JDK" : "Conscrypt (BoringSSL)",
                org.jlibp2p.security.noise.NoiseSecureChannel.cipherImplementation());
    }

    @ParameterizedTest(name = "java dials js: {0}, {1}")
    @MethodSource("stacks")
    void javaDialsJs(String muxer, String key) throws Exception {
        try (JsPeer js = JsPeer.start("--muxer", muxer, "--key", key);
                Nodes.Node java = Nodes.start(keyType(key), muxer)) {
            Multiaddr listen = java.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            PeerId jsId = PeerId.parse(js.peerId);
            Connection c = java.swarm().dial(Multiaddr.parse(js.addrs.get(0)));
            assertEquals(jsId, c.remotePeer());
            assertEquals("/noise", c.security());
            assertEquals(muxerId(muxer), c.muxer());
            exercise(js, java, jsId, listen, muxer);
        }
    }

    @ParameterizedTest(name = "js dials java: {0}, {1}")
    @MethodSource("stacks")
    void jsDialsJava(String muxer, String key) throws Exception {
        try (JsPeer js = JsPeer.start("--muxer", muxer, "--key", key);
                Nodes.Node java = Nodes.start(keyType(key), muxer)) {
            Multiaddr listen = java.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            JsonObject dialed = js.call(30, "cmd", "dial", "addr",
                    listen.withPeerId(java.swarm().localPeer().multihash()).toString());
            assertEquals(java.swarm().localPeer().toString(), dialed.get("peer").getAsString());
            assertEquals(muxerId(muxer), dialed.get("muxer").getAsString());
            assertEquals("/noise", dialed.get("encryption").getAsString());
            // js reports the dial once its side is upgraded; ours registers the connection a moment later
            PeerId jsId = PeerId.parse(js.peerId);
            java.awaitConnected(jsId);
            assertTrue(java.swarm().isConnected(jsId), "the inbound connection from js was not registered");
            exercise(js, java, jsId, listen, muxer);
        }
    }

    @ParameterizedTest(name = "plaintext/2.0.0, java dials js: {0}")
    @MethodSource("keys")
    void plaintextJavaDialsJs(String key) throws Exception {
        try (JsPeer js = JsPeer.start("--security", "plaintext", "--key", key);
                Nodes.Node java = Nodes.startPlaintext(keyType(key))) {
            Multiaddr listen = java.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = java.swarm().dial(Multiaddr.parse(js.addrs.get(0)));
            assertEquals("/plaintext/2.0.0", c.security());
            assertEquals(PeerId.parse(js.peerId), c.remotePeer());
            exercise(js, java, PeerId.parse(js.peerId), listen, "yamux");
        }
    }

    @ParameterizedTest(name = "plaintext/2.0.0, js dials java: {0}")
    @MethodSource("keys")
    void plaintextJsDialsJava(String key) throws Exception {
        try (JsPeer js = JsPeer.start("--security", "plaintext", "--key", key);
                Nodes.Node java = Nodes.startPlaintext(keyType(key))) {
            Multiaddr listen = java.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            JsonObject dialed = js.call(30, "cmd", "dial", "addr",
                    listen.withPeerId(java.swarm().localPeer().multihash()).toString());
            assertEquals("/plaintext/2.0.0", dialed.get("encryption").getAsString());
            assertEquals(java.swarm().localPeer().toString(), dialed.get("peer").getAsString());
            PeerId jsId = PeerId.parse(js.peerId);
            java.awaitConnected(jsId);
            exercise(js, java, jsId, listen, "yamux");
        }
    }

    static Stream<String> keys() {
        return Stream.of("ed25519", "secp256k1", "rsa");
    }

    /** Ping, identify and 1 MiB echo in both directions over the existing connection. */
    private void exercise(JsPeer js, Nodes.Node java, PeerId jsId, Multiaddr javaListen, String muxer)
            throws Exception {
        Swarm swarm = java.swarm();
        // ping, both ways
        Duration rtt = java.ping().ping(jsId);
        assertTrue(rtt.toSeconds() < 10, "ping rtt " + rtt);
        assertTrue(js.call(30, "cmd", "ping", "peer", swarm.localPeer().toString()).get("rtt").getAsDouble() >= 0);

        // identify: what Java learnt of js
        Peerstore ps = swarm.peerstore();
        java.awaitIdentified(jsId);
        assertTrue(ps.metadata(jsId, Peerstore.AGENT_VERSION).orElse("").startsWith("js-libp2p/"),
                "agent version " + ps.metadata(jsId, Peerstore.AGENT_VERSION));
        assertEquals("ipfs/0.1.0", ps.metadata(jsId, Peerstore.PROTOCOL_VERSION).orElse(""));
        assertTrue(ps.protocols(jsId).containsAll(Set.of(PingBehaviour.PROTOCOL_ID, IdentifyBehaviour.PROTOCOL_ID,
                EchoBehaviour.PROTOCOL_ID)), "js protocols " + ps.protocols(jsId));
        Multiaddr jsListen = Multiaddr.parse(js.addrs.get(0)).withoutPeerId();
        assertTrue(ps.addresses(jsId).contains(jsListen), "js addresses " + ps.addresses(jsId));
        assertTrue(jsId.matches(ps.publicKey(jsId).orElseThrow()));

        // identify: what js learnt of Java, field by field
        JsonObject id = js.call(30, "cmd", "identify", "peer", swarm.localPeer().toString());
        assertEquals(swarm.localPeer().toString(), id.get("peer").getAsString());
        assertEquals(Nodes.AGENT, id.get("agentVersion").getAsString());
        assertEquals("ipfs/0.1.0", id.get("protocolVersion").getAsString());
        assertEquals(HexFormat.of().formatHex(swarm.publicKey().marshal()), id.get("publicKey").getAsString());
        assertEquals(List.of(javaListen.toString()), strings(id.getAsJsonArray("listenAddrs")));
        assertEquals(List.of(javaListen.toString()), strings(id.getAsJsonArray("signedPeerRecordAddrs")),
                "js must accept our signed peer record");
        assertTrue(strings(id.getAsJsonArray("protocols")).containsAll(List.of(PingBehaviour.PROTOCOL_ID,
                IdentifyBehaviour.PROTOCOL_ID, IdentifyBehaviour.PUSH_PROTOCOL_ID, EchoBehaviour.PROTOCOL_ID)),
                "java protocols as js sees them " + id.get("protocols"));
        assertFalse(id.get("observedAddr").isJsonNull(), "js should see an observed address");
        assertTrue(id.get("observedAddr").getAsString().startsWith("/ip4/127.0.0.1/tcp/"), id.toString());

        // echo 1 MiB, both ways
        Nodes.Echo e = Nodes.echo(swarm, jsId, MIB, 1);
        assertEquals(MIB, e.received());
        assertEquals(e.sentSha(), e.receivedSha());
        JsonObject back = js.call(60, "cmd", "echo", "peer", swarm.localPeer().toString(), "size", MIB);
        assertEquals(MIB, back.get("received").getAsLong());
        assertEquals(back.get("sentSha").getAsString(), back.get("recvSha").getAsString());
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.getAsString()));
        return out;
    }

    @ParameterizedTest(name = "100 MiB echo both ways: {0}")
    @MethodSource("muxers")
    void hundredMebibytesBothWays(String muxer) throws Exception {
        try (JsPeer js = JsPeer.start("--muxer", muxer); Nodes.Node java = Nodes.start(KeyType.ED25519, muxer)) {
            PeerId jsId = PeerId.parse(js.peerId);
            Multiaddr listen = java.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            java.swarm().dial(Multiaddr.parse(js.addrs.get(0)));
            Nodes.Echo e = Nodes.echo(java.swarm(), jsId, 100 * MIB, 7);
            assertEquals(100 * MIB, e.received());
            assertEquals(e.sentSha(), e.receivedSha());
            JsonObject back = js.call(120, "cmd", "echo", "peer", java.swarm().localPeer().toString(),
                    "size", 100 * MIB);
            assertEquals(100 * MIB, back.get("received").getAsLong());
            assertEquals(back.get("sentSha").getAsString(), back.get("recvSha").getAsString());
            assertEquals(1, java.swarm().connections().size(), "both transfers share the one connection");
            assertTrue(listen.toString().startsWith("/ip4/127.0.0.1/tcp/"));
        }
    }

    static Stream<String> muxers() {
        return Stream.of("yamux", "mplex");
    }

    @ParameterizedTest(name = "500 concurrent streams on one connection: {0}")
    @MethodSource("muxers")
    void fiveHundredConcurrentStreams(String muxer) throws Exception {
        // By default a peer may have 256 inbound streams open at once, the node 128 + 64 per GiB of heap in protocol
        // negotiation, and a connection's handlers may reserve 16 MiB (each echo stream holds 64 KiB): raised here, to
        // carry 500 opened at once.
        Limits roomy = Limits.defaults().with(ResourceLimits.Kind.PENDING, l -> l.withStreams(1024))
                .with(ResourceLimits.Kind.PEER, l -> l.withStreams(1024).withMemory(64L << 20))
                .with(ResourceLimits.Kind.CONNECTION, l -> l.withStreams(1024).withMemory(64L << 20))
                .with(ResourceLimits.Kind.PROTOCOL, l -> l.withMemory(64L << 20));
        try (JsPeer js = JsPeer.start("--muxer", muxer); Nodes.Node java = Nodes.start(KeyType.ED25519, muxer, roomy)) {
            PeerId jsId = PeerId.parse(js.peerId);
            java.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            java.swarm().dial(Multiaddr.parse(js.addrs.get(0)));
            // Java opens 500 streams at once to js
            List<Callable<Nodes.Echo>> jobs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                long seed = i;
                jobs.add(() -> Nodes.echo(java.swarm(), jsId, 4096, seed));
            }
            int good = 0;
            try (ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Future<Nodes.Echo> f : exec.invokeAll(jobs)) {
                    Nodes.Echo e = f.get();
                    if (e.received() == 4096 && e.sentSha().equals(e.receivedSha())) {
                        good++;
                    }
                }
            }
            assertEquals(500, good);
            // js opens 500 streams at once to Java
            JsonObject r = js.call(120, "cmd", "streams", "peer", java.swarm().localPeer().toString(),
                    "count", 500, "size", 4096);
            assertEquals(500, r.get("good").getAsInt());
            assertEquals(1, java.swarm().connections().size());
        }
    }
}
