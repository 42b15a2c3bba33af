package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyFiles;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.multistream.NoCommonProtocolException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.proto.plaintext.PlaintextProtos;
import org.jlibp2p.security.plaintext.PlaintextSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;
import org.jlibp2p.core.swarm.DialException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's flags, identity and control socket file, in-process. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class P2pdTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private P2pd.Daemon start(String... args) throws Exception {
        return P2pd.start(P2pd.flags().parse(args), err);
    }

    private String sock(String name) {
        return "/unix" + dir.resolve(name);
    }

    @Test
    void acceptsGoLibp2pDaemonCommandLines() throws Exception {
        GoFlags f = P2pd.flags().parse("-listen=/ip4/127.0.0.1/tcp/9999", "-hostAddrs",
                "/ip4/127.0.0.1/tcp/0,/ip6/::1/tcp/0", "-noListenAddrs", "-bootstrapPeers=/ip4/127.0.0.1/tcp/1",
                "-b", "--id", "key.bin", "-noise=false", "-tls=0", "-plaintext", "-muxer=mplex", "-q", "-dht",
                "-connLo", "10", "-connGrace=30s", "-pprofPort", "7000", "-relay=false");
        assertEquals("/ip4/127.0.0.1/tcp/9999", f.getString("listen"));
        assertEquals(2, P2pd.parseList("hostAddrs", f.getString("hostAddrs")).size());
        assertTrue(f.getBool("noListenAddrs") && f.getBool("b") && f.getBool("q") && f.getBool("plaintext"));
        assertFalse(f.getBool("noise") || f.getBool("tls") || f.getBool("relay"));
        assertEquals("key.bin", f.getString("id"));
        assertEquals("mplex", f.getString("muxer"));
        assertEquals(10, f.getInt("connLo"));
        assertEquals(java.time.Duration.ofSeconds(30), f.getDuration("connGrace"));
        assertEquals(7000, f.getInt("pprofPort"));
        GoFlags defaults = P2pd.flags().parse();
        assertEquals("/unix/tmp/p2pd.sock", defaults.getString("listen"));
        assertTrue(defaults.getBool("noise") && defaults.getBool("echo") && !defaults.getBool("q"));
        assertEquals("yamux", defaults.getString("muxer"));
        assertThrows(GoFlags.FlagException.class, () -> P2pd.flags().parse("-nosuchflag"));
    }

    @Test
    void idLoadsTheKeyAndThePeerIdMatchesIt() throws Exception {
        PrivateKey key = Keys.generateEd25519().privateKey();
        Path file = dir.resolve("id.key");
        KeyFiles.save(file, key);
        try (P2pd.Daemon d = start("-listen", sock("c.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0", "-id",
                file.toString())) {
            assertEquals(PeerId.fromPublicKey(key.publicKey()), d.swarm().localPeer());
        }
        IOException e = assertThrows(IOException.class, () -> start("-listen", sock("c.sock"), "-id",
                dir.resolve("missing.key").toString()));
        assertTrue(e.getMessage().startsWith("-id:"), e.getMessage());
        try (P2pd.Daemon a = start("-listen", sock("a.sock"), "-noListenAddrs");
                P2pd.Daemon b = start("-listen", sock("b.sock"), "-noListenAddrs")) {
            assertFalse(a.swarm().localPeer().equals(b.swarm().localPeer()), "a fresh identity each");
            assertEquals(List.of(), a.swarm().listenAddresses());
        }
    }

    @Test
    void unixSocketIsOwnerOnlyAndRemovedOnClose() throws Exception {
        Path p = dir.resolve("c.sock");
        P2pd.Daemon d = start("-listen", "/unix" + p, "-noListenAddrs");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(p));
        d.close();
        assertFalse(Files.exists(p));
    }

    @Test
    void staleSocketIsReplacedLiveOneAndOtherFilesRefused() throws Exception {
        Path p = dir.resolve("c.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(p));
        }
        assertTrue(Files.exists(p), "a socket file left behind");
        try (P2pd.Daemon d = start("-listen", "/unix" + p, "-noListenAddrs")) {
            IOException e = assertThrows(IOException.class, () -> start("-listen", "/unix" + p, "-noListenAddrs"));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertTrue(Files.exists(p), "the live socket is left alone");
            DaemonFixture.call(d.control().address(), org.jlibp2p.proto.p2pd.P2pdProtos.Request.newBuilder()
                    .setType(org.jlibp2p.proto.p2pd.P2pdProtos.Request.Type.IDENTIFY).build());
        }
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "keep me");
        IOException e = assertThrows(IOException.class, () -> start("-listen", "/unix" + file, "-noListenAddrs"));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void tcpControlPortZeroReportsTheBoundPort() throws Exception {
        try (P2pd.Daemon d = start("-listen", "/ip4/127.0.0.1/tcp/0", "-noListenAddrs")) {
            String a = d.control().address().toString();
            assertTrue(a.matches("/ip4/127\\.0\\.0\\.1/tcp/[1-9]\\d*"), a);
        }
    }

    /** TLS is on by default, offered after Noise; a daemon without Noise still accepts TLS connections. */
    @Test
    void tlsIsOfferedByDefaultAndAloneWithoutNoise() throws Exception {
        try (P2pd.Daemon tlsOnly = start("-listen", sock("t.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0",
                "-noise=false");
                P2pd.Daemon both = start("-listen", sock("u.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0");
                Swarm tlsClient = Stacks.tcpTls(Keys.generateEd25519().privateKey(), "test");
                Swarm noiseClient = Stacks.tcpNoise(Keys.generateEd25519().privateKey())) {
            Connection c = tlsClient.dial(tlsOnly.swarm().listenAddresses().getFirst()
                    .withPeerId(tlsOnly.swarm().localPeer().multihash()));
            assertEquals("/tls/1.0.0", c.security());
            assertEquals("/yamux/1.0.0", c.muxer());
            assertEquals(tlsOnly.swarm().localPeer(), c.remotePeer());
            assertThrows(DialException.class, () -> noiseClient.dial(tlsOnly.swarm().listenAddresses().getFirst()
                    .withPeerId(tlsOnly.swarm().localPeer().multihash())), "the daemon was told not to speak Noise");

            Connection t = tlsClient.dial(both.swarm().listenAddresses().getFirst()
                    .withPeerId(both.swarm().localPeer().multihash()));
            assertEquals("/tls/1.0.0", t.security());
            Connection n = tlsOnly.swarm().dial(both.swarm().listenAddresses().getFirst()
                    .withPeerId(both.swarm().localPeer().multihash()));
            assertEquals("/tls/1.0.0", n.security(), "a daemon without Noise dials with TLS");
            // Between two default daemons, Noise comes first.
            try (P2pd.Daemon third = start("-listen", sock("v.sock"), "-noListenAddrs")) {
                Connection d = third.swarm().dial(both.swarm().listenAddresses().getFirst()
                        .withPeerId(both.swarm().localPeer().multihash()));
                assertEquals("/noise", d.security());
            }
        }
    }

    @Test
    void muxerAndSecurityFlags() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> start("-listen", sock("x.sock"), "-muxer", "spdy"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> start("-listen", sock("x.sock"), "-noise=false", "-tls=false", "-plaintext=false"));
        assertTrue(none.getMessage().contains("security"), none.getMessage());
        try (P2pd.Daemon a = start("-listen", sock("a.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0", "-muxer=mplex",
                "-plaintext");
                P2pd.Daemon b = start("-listen", sock("b.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0", "-muxer=mplex",
                        "-noise=false", "-tls=false", "-plaintext")) {
            Connection c = a.swarm().dial(b.swarm().listenAddresses().getFirst()
                    .withPeerId(b.swarm().localPeer().multihash()));
            assertEquals("/mplex/6.7.0", c.muxer());
            assertEquals("/plaintext/2.0.0", c.security(), "the one protocol both were told to speak");
        }
        assertFalse(Files.exists(dir.resolve("x.sock")), "a failed start leaves no socket file");
    }

    /**
     * Connects to {@code daemon} over /plaintext/2.0.0 claiming to be {@code victim}, knowing only its public key,
     * as an attacker would.
     */
    private static RawConnection impersonate(P2pd.Daemon daemon, KeyPair victim) throws IOException {
        RawConnection raw = new TcpTransport().dial(daemon.swarm().listenAddresses().getFirst(),
                java.time.Duration.ofSeconds(5));
        try {
            Multistream.select(raw, List.of(PlaintextSecureChannel.PROTOCOL_ID));
            LengthPrefixed.write(raw.output(), PlaintextProtos.Exchange.newBuilder()
                    .setId(com.google.protobuf.ByteString.copyFrom(PeerId.fromPublicKey(victim.publicKey()).bytes()))
                    .setPubkey(com.google.protobuf.ByteString.copyFrom(victim.publicKey().marshal()))
                    .build().toByteArray());
            raw.output().flush();
            LengthPrefixed.read(raw.input(), 64 * 1024); // the daemon's own exchange
            Multistream.select(raw, List.of("/yamux/1.0.0"));
            return raw;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Test
    void byDefaultNobodyConnectsAsAnotherPeer() throws Exception {
        KeyPair victim = Keys.generateEd25519(); // the attacker knows its public key only
        PeerId victimId = PeerId.fromPublicKey(victim.publicKey());
        try (P2pd.Daemon d = start("-listen", sock("d.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0")) {
            assertThrows(NoCommonProtocolException.class, () -> impersonate(d, victim).close(),
                    "the daemon does not speak plaintext unless told to");
            assertFalse(d.swarm().isConnected(victimId));
            assertFalse(errBytes.toString(StandardCharsets.UTF_8).contains("-plaintext"));
        }
        // What the default prevents: with -plaintext on, the impostor is taken for the victim, and the daemon says so.
        try (P2pd.Daemon d = start("-listen", sock("e.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0", "-plaintext");
                RawConnection impostor = impersonate(d, victim)) {
            assertTrue(DaemonFixture.eventually(java.time.Duration.ofSeconds(5), () -> d.swarm().isConnected(victimId)));
            assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("-plaintext: /plaintext/2.0.0 proves no"
                    + " identity"));
        }
    }

    @Test
    void flagsOfFeaturesNotBuiltAreAcceptedWithAClearMessage() throws Exception {
        try (P2pd.Daemon d = start("-listen", sock("c.sock"), "-noListenAddrs", "-dht", "-pubsub",
                "-connManager", "-natPortMap", "-autonat", "-tls", "-relay", "-relayActive", "-forceReachabilityPublic")) {
            String out = errBytes.toString(StandardCharsets.UTF_8);
            for (String s : List.of("-natPortMap:", "-relayActive: circuit relay v1", "-forceReachabilityPublic:")) {
                assertTrue(out.contains(s), s + " in\n" + out);
            }
            assertFalse(out.contains("-relay:"), "circuit relay v2 is built:\n" + out);
            assertFalse(out.contains("-connManager"), "the connection manager is built:\n" + out);
            assertFalse(out.contains("-pubsub"), "pubsub is built:\n" + out);
            assertFalse(out.contains("-dht"), "the DHT is built:\n" + out);
            assertFalse(out.contains("-autonat"), "AutoNAT is built:\n" + out);
            assertFalse(out.contains("-tls"), "TLS is built: -tls is no feature to excuse\n" + out);
        }
    }

    @Test
    void bootstrapPeersAreDialledAndBAloneMeansTheIpfsBootstrapNodes() throws Exception {
        try (P2pd.Daemon a = start("-listen", sock("a.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0");
                P2pd.Daemon b = start("-listen", sock("b.sock"), "-hostAddrs", "/ip4/127.0.0.1/tcp/0")) {
            String peer = a.swarm().listenAddresses().getFirst().withPeerId(a.swarm().localPeer().multihash())
                    .toString();
            GoFlags f = P2pd.flags().parse("-bootstrapPeers", peer);
            assertEquals(1, P2pd.bootstrap(f, b.swarm(), err).size());
            assertTrue(b.swarm().isConnected(a.swarm().localPeer()));

            // -b alone means the public IPFS bootstrap nodes (never dialled here: this machine has no internet).
            assertEquals(Dnsaddr.IPFS_BOOTSTRAP, P2pd.bootstrapList(P2pd.flags().parse("-b")).stream()
                    .map(Object::toString).toList());
            assertEquals(List.of(), P2pd.bootstrapList(P2pd.flags().parse()));
            assertEquals(List.of(peer), P2pd.bootstrapList(P2pd.flags().parse("-b", "-bootstrapPeers", peer)).stream()
                    .map(Object::toString).toList());
        }
        assertThrows(IOException.class, () -> start("-listen", sock("c.sock"), "-bootstrapPeers", "not-an-addr"));
    }
}
