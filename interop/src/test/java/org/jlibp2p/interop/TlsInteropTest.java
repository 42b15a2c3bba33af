package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.security.tls.TlsSecureChannel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS 1.3 ({@code /tls/1.0.0}) against js-libp2p's {@code @libp2p/tls}, each side dialling the other, with Ed25519,
 * secp256k1 and RSA identities and Yamux or mplex agreed by ALPN: both sides see the other's peer id over TLS with
 * the expected muxer, and 1 MiB goes through an echo stream each way. One js process per case serves both
 * directions: a first Java node dials it, then it dials a second Java node.
 */
@Timeout(120)
class TlsInteropTest {
    private static final long MIB = 1024 * 1024;

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

    @ParameterizedTest(name = "tls, both ways: {0}, {1}")
    @MethodSource("stacks")
    void javaDialsJsAndJsDialsJava(String muxer, String key) throws Exception {
        try (JsPeer js = JsPeer.start("--security", "tls", "--muxer", muxer, "--key", key);
                Nodes.Node dialer = Nodes.startTls(keyType(key), muxer);
                Nodes.Node listener = Nodes.startTls(keyType(key), muxer)) {
            PeerId jsId = PeerId.parse(js.peerId);

            // Java dials js
            Connection c = dialer.swarm().dial(Multiaddr.parse(js.addrs.get(0)));
            assertEquals(jsId, c.remotePeer());
            assertEquals(TlsSecureChannel.PROTOCOL_ID, c.security());
            assertEquals(muxerId(muxer), c.muxer());
            JsonObject seen = jsConnection(js, dialer.swarm().localPeer(), "inbound");
            assertEquals(TlsSecureChannel.PROTOCOL_ID, seen.get("encryption").getAsString());
            assertEquals(muxerId(muxer), seen.get("muxer").getAsString());
            echoBothWays(js, dialer, jsId);

            // js dials Java
            Multiaddr listen = listener.swarm().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            JsonObject dialed = js.call(30, "cmd", "dial", "addr",
                    listen.withPeerId(listener.swarm().localPeer().multihash()).toString());
            assertEquals(listener.swarm().localPeer().toString(), dialed.get("peer").getAsString());
            assertEquals(TlsSecureChannel.PROTOCOL_ID, dialed.get("encryption").getAsString());
            assertEquals(muxerId(muxer), dialed.get("muxer").getAsString());
            // js reports the dial once its side is upgraded; ours registers the connection a moment later
            Connection in = listener.awaitConnected(jsId);
            assertEquals(TlsSecureChannel.PROTOCOL_ID, in.security());
            assertEquals(muxerId(muxer), in.muxer());
            echoBothWays(js, listener, jsId);
        }
    }

    /** The connection js holds to {@code peer}, in {@code direction}; fails when there is none. */
    private static JsonObject jsConnection(JsPeer js, PeerId peer, String direction) throws Exception {
        for (JsonElement e : js.call(30, "cmd", "connections").getAsJsonArray("connections")) {
            JsonObject c = e.getAsJsonObject();
            if (c.get("peer").getAsString().equals(peer.toString())
                    && c.get("direction").getAsString().equals(direction)) {
                return c;
            }
        }
        throw new AssertionError("js holds no " + direction + " connection to " + peer);
    }

    private static void echoBothWays(JsPeer js, Nodes.Node java, PeerId jsId) throws Exception {
        Nodes.Echo e = Nodes.echo(java.swarm(), jsId, MIB, 3);
        assertEquals(MIB, e.received());
        assertEquals(e.sentSha(), e.receivedSha());
        JsonObject back = js.call(60, "cmd", "echo", "peer", java.swarm().localPeer().toString(), "size", MIB);
        assertEquals(MIB, back.get("received").getAsLong());
        assertEquals(back.get("sentSha").getAsString(), back.get("recvSha").getAsString());
        assertTrue(java.swarm().isConnected(jsId));
    }
}
