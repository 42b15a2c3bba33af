package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.transport.tcp.TcpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of a peer on the open network, on loopback: a flood of silent connections from one address, many peer
 * ids from one address, and a stream flood against a daemon with a small heap. The attacker comes from 127.0.0.2; the
 * node under attack counts loopback addresses like any other (on the open internet no attacker is on loopback, which
 * the default limits therefore exempt).
 */
class AttackTest {
    private static final InetAddress ATTACKER;

    static {
        try {
            ATTACKER = InetAddress.getByName("127.0.0.2");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @TempDir
    Path dir;

    /** Default limits, but loopback counted per address like the rest of the internet. */
    private static Limits countingLoopback() {
        return Limits.defaults().withResources(ResourceLimits.defaults().withAllowlist(List.of()));
    }

    @Test
    @Timeout(60)
    void oneAddressFloodingSilentConnectionsDoesNotLockOutARealPeer() throws Exception {
        try (Swarm node = TestNodes.tcp(TestStack.NOISE_YAMUX, countingLoopback());
                Swarm honest = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults())) {
            Multiaddr addr = TestNodes.listenTcp(node);
            InetSocketAddress target = SocketAddresses.toInetSocketAddress(addr).orElseThrow();
            List<Socket> silent = new ArrayList<>();
            try {
                // More silent connections than the old shared pool of 256 handshake slots, from one address
                for (int i = 0; i < 300; i++) {
                    Socket s = new Socket();
                    s.bind(new InetSocketAddress(ATTACKER, 0));
                    s.connect(target, 2000);
                    silent.add(s);
                }
                for (int attempt = 0; attempt < 6; attempt++) {
                    Connection c = honest.dial(addr); // no /p2p/: a new connection each time
                    assertEquals(node.localPeer(), c.remotePeer());
                    c.close();
                }
                long refused = node.resources().refusals().count("ip /32 connections");
                assertTrue(refused >= 300 - 8 - 1, "refused by the per-address cap: " + refused);
                // the honest dial returns once its side of the handshake is done; the node's side may need a moment
                assertTrue(DaemonFixture.eventually(Duration.ofSeconds(5),
                        () -> node.resources().usage().pending().connectionsInbound() <= 8),
                        () -> node.resources().usage().pending().toString());
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void manyPeerIdsFromOneAddressGetNoMoreThanTheAddressShare() throws Exception {
        List<Swarm> sybils = new ArrayList<>();
        try (Swarm node = TestNodes.tcp(TestStack.NOISE_YAMUX, countingLoopback());
                Swarm honest = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults())) {
            Multiaddr addr = TestNodes.listenTcp(node);
            int admitted = 0;
            for (int i = 0; i < 20; i++) {
                Swarm s = TestNodes.swarm(new TcpTransport(ATTACKER), TestStack.NOISE_YAMUX, Limits.defaults());
                sybils.add(s);
                try {
                    Connection c = s.dial(TestNodes.withPeer(addr, node.localPeer()));
                    // the node may close it right after the handshake: count what it holds, below
                    admitted += c.isOpen() ? 1 : 0;
                } catch (IOException refused) {
                    // expected past the address's share
                }
            }
            assertTrue(DaemonFixture.eventually(Duration.ofSeconds(5), () -> node.connections().size() <= 8));
            assertTrue(node.connections().size() >= 1, "some sybils did get in");
            assertTrue(node.resources().refusals().count("ip /32 connections") >= 12,
                    () -> node.resources().refusals().counts().toString());
            Connection c = honest.dial(TestNodes.withPeer(addr, node.localPeer()));
            assertTrue(c.isOpen());
            assertTrue(admitted <= 20);
        } finally {
            sybils.forEach(Swarm::close);
        }
    }

    @Test
    @Timeout(120)
    void aStreamFloodAgainstASmallHeapIsRefusedWhileTheControlSocketKeepsAnsweringAndSigtermEndsIt()
            throws Exception {
        try (DaemonProcesses daemons = new DaemonProcesses(dir)) {
            Path sock = dir.resolve("d.sock");
            Process p = daemons.launch("d", "256m", "-listen", "/unix" + sock, "-hostAddrs", "/ip4/127.0.0.1/tcp/0");
            DaemonProcesses.Ready ready = DaemonProcesses.awaitReady(p);
            Multiaddr target = TestNodes.withPeer(ready.addrs().getFirst(), ready.peer());
            // Four peer ids from one address open 3,750 echo streams, each holding its 64 KiB echo buffer.
            Limits attackerLimits = Limits.defaults().withResources(ResourceLimits.unlimited());
            List<Swarm> attackers = new ArrayList<>();
            AtomicInteger held = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Stream> streams = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (int a = 0; a < 4; a++) {
                    Swarm s = TestNodes.tcp(TestStack.NOISE_YAMUX, attackerLimits);
                    attackers.add(s);
                    Connection c = s.dial(target);
                    for (int t = 0; t < 8; t++) {
                        work.add(threads.submit(() -> {
                            for (int i = 0; i < 3750 / 32 + 1; i++) {
                                try {
                                    Stream st = c.newStream(List.of(EchoBehaviour.PROTOCOL_ID));
                                    st.output().write(1);
                                    st.output().flush();
                                    if (st.input().read() == 1) {
                                        streams.add(st);
                                        held.incrementAndGet();
                                    } else {
                                        refused.incrementAndGet();
                                    }
                                } catch (IOException e) {
                                    refused.incrementAndGet();
                                }
                            }
                            return null;
                        }));
                    }
                }
                // The control socket answers throughout.
                int answered = 0;
                long slowest = 0;
                while (!work.stream().allMatch(Future::isDone)) {
                    long t0 = System.nanoTime();
                    Response r = DaemonFixture.call(ready.control(),
                            Request.newBuilder().setType(Request.Type.IDENTIFY).build());
                    assertEquals(Response.Type.OK, r.getType(), r.toString());
                    long took = System.nanoTime() - t0;
                    slowest = Math.max(slowest, took);
                    assertTrue(took < TimeUnit.SECONDS.toNanos(5), "a control request took " + took / 1_000_000
                            + " ms");
                    answered++;
                    Thread.sleep(100); // pacing the probe, not synchronising with anything
                }
                for (Future<?> f : work) {
                    f.get();
                }
                assertTrue(answered >= 1);
                System.out.printf("stream flood: %d echo streams held, %d refused; %d control requests answered,"
                        + " the slowest in %d ms%n", held.get(), refused.get(), answered, slowest / 1_000_000);
            }
            assertTrue(held.get() + refused.get() >= 3750);
            assertTrue(refused.get() > 0, "the flood hit a limit");
            assertTrue(held.get() <= 4 * 256, "no more echo streams held than the limits allow: " + held.get());
            assertTrue(p.isAlive(), "the daemon survived");
            Response peers = DaemonFixture.call(ready.control(),
                    Request.newBuilder().setType(Request.Type.LIST_PEERS).build());
            assertEquals(4, peers.getPeersCount(), "the attackers' connections are all still there");

            p.destroy(); // SIGTERM while the flood's streams are still open
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
            String err = Files.readString(daemons.stderr("d"));
            assertFalse(err.contains("OutOfMemoryError"), err);
            assertTrue(err.contains("refused ("), "the refusals are in the operator's log: " + err);
            attackers.forEach(Swarm::close);
        }
    }
}
