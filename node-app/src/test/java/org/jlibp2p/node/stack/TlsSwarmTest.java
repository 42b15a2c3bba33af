package org.jlibp2p.node.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.tls.TlsConfig;
import org.jlibp2p.security.tls.TlsSecureChannel;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.testkit.EventRecorder;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.transport.tcp.TcpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Swarms secured with TLS 1.3 over TCP: the upgrade, the muxer agreed by ALPN, data through streams. */
@Timeout(30)
class TlsSwarmTest {
    private static Swarm swarm(PrivateKey key, List<SecureChannel> security, List<String> alpnMuxers,
            boolean yamuxFirst) {
        return new Swarm(new SwarmConfig(key, List.of(new TcpTransport()), security,
                yamuxFirst ? List.of(new Yamux(), new Mplex()) : List.of(new Mplex(), new Yamux()))
                .withDialTimeout(Duration.ofSeconds(5)));
    }

    private static TlsSecureChannel tls(PrivateKey key, String... muxers) {
        return new TlsSecureChannel(new TlsConfig(key).withStreamMuxers(List.of(muxers)));
    }

    @Test
    void tlsAndYamuxOverTcpCarryPingAndEcho() throws Exception {
        try (Swarm a = TestNodes.tcp(TestStack.TLS_YAMUX, Limits.defaults());
                Swarm b = TestNodes.tcp(TestStack.TLS_YAMUX, Limits.defaults())) {
            PingBehaviour ping = new PingBehaviour();
            a.addBehaviour(ping);
            b.addBehaviour(new PingBehaviour());
            b.addBehaviour(new EchoBehaviour());
            EventRecorder atB = TestNodes.recorder(b);
            Multiaddr addr = TestNodes.listenTcp(b);
            Connection c = a.dial(TestNodes.withPeer(addr, b.localPeer()));
            assertEquals(b.localPeer(), c.remotePeer());
            assertEquals(TlsSecureChannel.PROTOCOL_ID, c.security());
            assertEquals(Yamux.PROTOCOL_ID, c.muxer());
            Connection inbound = atB.await(SwarmEvent.ConnectionEstablished.class,
                    e -> e.connection().remotePeer().equals(a.localPeer())).connection();
            assertEquals(TlsSecureChannel.PROTOCOL_ID, inbound.security());
            assertTrue(ping.ping(b.localPeer()).toSeconds() < 5);

            byte[] data = new byte[3_000_000];
            new Random(11).nextBytes(data);
            try (Stream s = a.newStream(b.localPeer(), List.of(EchoBehaviour.PROTOCOL_ID))) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        s.output().write(data);
                        s.closeOutput();
                    } catch (IOException e) {
                        s.reset();
                    }
                });
                assertArrayEquals(data, s.input().readAllBytes());
                writer.join();
            }
        }
    }

    /**
     * Both swarms support Yamux and mplex, Yamux first, but their TLS channels offer only mplex in ALPN: the
     * connection runs mplex, which multistream-select would not have picked.
     */
    @Test
    void theMuxerAgreedByAlpnIsUsed() throws Exception {
        PrivateKey ka = Keys.generateEd25519().privateKey();
        PrivateKey kb = Keys.generateEd25519().privateKey();
        try (Swarm a = swarm(ka, List.of(tls(ka, Mplex.PROTOCOL_ID)), List.of(), true);
                Swarm b = swarm(kb, List.of(tls(kb, Mplex.PROTOCOL_ID)), List.of(), true)) {
            Multiaddr addr = TestNodes.listenTcp(b);
            Connection c = a.dial(TestNodes.withPeer(addr, b.localPeer()));
            assertEquals(Mplex.PROTOCOL_ID, c.muxer());
        }
        // Without an ALPN muxer, multistream-select picks the dialer's first: Yamux.
        try (Swarm a = swarm(ka, List.of(tls(ka)), List.of(), true); Swarm b = swarm(kb, List.of(tls(kb)), List.of(), true)) {
            Connection c = a.dial(TestNodes.withPeer(TestNodes.listenTcp(b), b.localPeer()));
            assertEquals(Yamux.PROTOCOL_ID, c.muxer());
        }
    }

    @Test
    void aNodeOfferingNoiseThenTlsReachesATlsOnlyNodeOverTls() throws Exception {
        PrivateKey ka = Keys.generateSecp256k1().privateKey();
        PrivateKey kb = Keys.generateRsa(2048).privateKey();
        List<SecureChannel> both = List.of(new NoiseSecureChannel(new NoiseConfig(ka)), tls(ka, Yamux.PROTOCOL_ID));
        try (Swarm a = swarm(ka, both, List.of(), true);
                Swarm b = swarm(kb, List.of(tls(kb, Yamux.PROTOCOL_ID)), List.of(), true)) {
            b.addBehaviour(new EchoBehaviour());
            Connection c = a.dial(TestNodes.withPeer(TestNodes.listenTcp(b), b.localPeer()));
            assertEquals(TlsSecureChannel.PROTOCOL_ID, c.security());
            assertEquals(PeerId.fromPublicKey(kb.publicKey()), c.remotePeer());
            try (Stream s = a.newStream(b.localPeer(), List.of(EchoBehaviour.PROTOCOL_ID))) {
                s.output().write("over tls".getBytes());
                s.closeOutput();
                assertEquals("over tls", new String(s.input().readAllBytes()));
            }
        }
    }

    @Test
    void dialingTheWrongPeerIdOverTlsFailsWithAMismatch() throws Exception {
        try (Swarm a = TestNodes.tcp(TestStack.TLS_YAMUX, Limits.defaults());
                Swarm b = TestNodes.tcp(TestStack.TLS_YAMUX, Limits.defaults())) {
            PeerId other = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
            Multiaddr addr = TestNodes.withPeer(TestNodes.listenTcp(b), other);
            IOException e = assertThrows(IOException.class, () -> a.dial(addr));
            boolean found = false;
            for (Throwable t = e; t != null && !found; t = t.getCause()) {
                found = t instanceof PeerIdMismatchException;
                for (Throwable s : t.getSuppressed()) {
                    found |= s instanceof PeerIdMismatchException;
                }
            }
            assertTrue(found, "no PeerIdMismatchException in " + e);
            assertTrue(a.connections().isEmpty());
        }
    }
}
