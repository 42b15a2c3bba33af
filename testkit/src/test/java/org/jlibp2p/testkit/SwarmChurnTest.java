package org.jlibp2p.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.DialException;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.core.util.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 connections opened, used for a stream and closed (by either side), with failed dials among them, against
 * behaviours that check every promise of the behaviour model; then nothing of them may outlive the swarms.
 */
class SwarmChurnTest {
    private static final int CONNECTIONS = 10_000;
    private static final int WORKERS = 16;

    @Test
    @Timeout(300)
    void everyEstablishedConnectionIsClosedExactlyOnceInOrderAndNothingOutlivesTheSwarms() throws Exception {
        MemoryTransport.Network net = new MemoryTransport.Network();
        Limits limits = Limits.defaults().withMaxConnectionsPerPeer(WORKERS * 2);
        Swarm listener = TestNodes.swarm(new MemoryTransport(net), TestStack.PLAINTEXT_YAMUX, limits);
        Swarm dialer = TestNodes.swarm(new MemoryTransport(net), TestStack.PLAINTEXT_YAMUX, limits);
        CountingBehaviour atListener = new CountingBehaviour();
        CountingBehaviour atDialer = new CountingBehaviour();
        listener.addBehaviour(atListener);
        dialer.addBehaviour(atDialer);
        Multiaddr addr = TestNodes.listenMemory(listener);
        Multiaddr nowhere = Multiaddr.parse("/memory/999999");
        Multiaddr impostor = addr.withPeerId(PeerId.fromPublicKey(Keys.generateEd25519().publicKey()).multihash());

        AtomicInteger next = new AtomicInteger();
        AtomicInteger used = new AtomicInteger();
        AtomicInteger failedAsExpected = new AtomicInteger();
        List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            workers.add(Thread.ofVirtual().name("churn-" + w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < CONNECTIONS) {
                    try {
                        if (i % 20 == 7) {
                            expectDialFailure(dialer, nowhere, failedAsExpected, unexpected);
                        } else if (i % 50 == 13) {
                            expectDialFailure(dialer, impostor, failedAsExpected, unexpected);
                        } else {
                            useOnce(dialer, addr, i % 5 == 0);
                            used.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        unexpected.add(i + ": " + e);
                    }
                }
            }));
        }
        assertTrue(Deadline.after(Duration.ofMinutes(4)).joinAll(workers), "workers finished");
        assertTrue(unexpected.isEmpty(), unexpected.size() + " unexpected failures, first: "
                + unexpected.stream().limit(3).toList());
        int expectedUses = (int) java.util.stream.IntStream.range(0, CONNECTIONS)
                .filter(i -> !(i % 20 == 7) && !(i % 50 == 13)).count();
        assertEquals(expectedUses, used.get());
        assertEquals(CONNECTIONS - expectedUses, failedAsExpected.get());

        // Every connection either side saw established, it also saw closed.
        Signal wait = new Signal();
        assertTrue(wait.await(() -> atListener.open() == 0 && atDialer.open() == 0, Duration.ofSeconds(30)),
                "open: listener " + atListener.open() + ", dialer " + atDialer.open());
        assertTrue(atDialer.established.get() >= expectedUses, "dialer saw " + atDialer.established.get());
        assertTrue(atListener.established.get() >= expectedUses, "listener saw " + atListener.established.get());
        assertEquals(expectedUses, atListener.streams.get(), "every use was one stream at the listener");

        listener.close();
        dialer.close();
        for (CountingBehaviour b : List.of(atListener, atDialer)) {
            assertTrue(b.violations.isEmpty(), b.violations.size() + " violations: "
                    + b.violations.stream().limit(5).toList());
            assertEquals(1, b.starts.get());
            assertEquals(1, b.stops.get());
            assertTrue(!b.eventAfterStop, "no event after stop");
            assertEquals(b.established.get(), b.closed.get());
        }
        assertEquals(0, listener.activeThreads(), "threads left in the listener");
        assertEquals(0, dialer.activeThreads(), "threads left in the dialer");
        assertTrue(collected(atListener) && collected(atDialer), "connections and handlers outlived the swarms: "
                + live(atListener.connections) + " + " + live(atDialer.connections) + " connections, "
                + live(atListener.handlers) + " + " + live(atDialer.handlers) + " handlers");
    }

    @Test
    @Timeout(120)
    void aBehaviourSlowerThanItsSwarmMissesNothingTheSwarmWaitsForIt() throws Exception {
        MemoryTransport.Network net = new MemoryTransport.Network();
        Limits limits = Limits.defaults().withMaxConnectionsPerPeer(16);
        Swarm listener = new Swarm(TestNodes.config(Keys.generateEd25519().privateKey(), new MemoryTransport(net),
                TestStack.PLAINTEXT_YAMUX, limits).withEventQueueCapacity(2));
        Swarm dialer = TestNodes.swarm(new MemoryTransport(net), TestStack.PLAINTEXT_YAMUX, limits);
        CountingBehaviour slow = new CountingBehaviour(Duration.ofMillis(2));
        listener.addBehaviour(slow);
        EventRecorder fast = TestNodes.recorder(listener);
        Multiaddr addr = TestNodes.listenMemory(listener);
        int n = 300;
        AtomicInteger next = new AtomicInteger();
        List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                while (next.getAndIncrement() < n) {
                    try {
                        useOnce(dialer, addr, false);
                    } catch (IOException | RuntimeException e) {
                        unexpected.add(e.toString());
                    }
                }
            }));
        }
        assertTrue(Deadline.after(Duration.ofSeconds(100)).joinAll(workers));
        assertTrue(unexpected.isEmpty(), unexpected.toString());
        assertTrue(fast.until(() -> slow.established.get() == n && slow.closed.get() == n, Duration.ofSeconds(30)),
                "slow behaviour saw " + slow.established.get() + " established, " + slow.closed.get() + " closed");
        assertTrue(fast.until(() -> fast.all(org.jlibp2p.core.swarm.SwarmEvent.ConnectionClosed.class).size() == n,
                Duration.ofSeconds(30)));
        assertEquals(n, fast.all(org.jlibp2p.core.swarm.SwarmEvent.ConnectionEstablished.class).size(),
                "the behaviour beside it saw every event too");
        listener.close();
        dialer.close();
        assertTrue(slow.violations.isEmpty(), slow.violations.toString());
        assertEquals(n, slow.streams.get());
    }

    /** Dials without a peer id (a new connection each time), echoes one byte on one stream, closes. */
    private static void useOnce(Swarm dialer, Multiaddr addr, boolean remoteCloses) throws IOException {
        Connection c = dialer.dial(addr.withoutPeerId());
        try (Stream s = c.newStream(CountingBehaviour.PROTOCOL)) {
            s.output().write(remoteCloses ? 1 : 0);
            s.output().flush();
            s.closeOutput();
            int echoed = s.input().read();
            if (echoed != (remoteCloses ? 1 : 0)) {
                throw new IOException("echo returned " + echoed);
            }
        } finally {
            c.close();
        }
    }

    private static void expectDialFailure(Swarm dialer, Multiaddr addr, AtomicInteger failed, List<String> unexpected) {
        try {
            Connection c = dialer.dial(addr);
            unexpected.add("dial of " + addr + " succeeded: " + c);
            c.close();
        } catch (DialException e) {
            failed.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            unexpected.add("dial of " + addr + " failed oddly: " + e);
        }
    }

    private static int live(List<? extends WeakReference<?>> refs) {
        return (int) refs.stream().filter(r -> r.get() != null).count();
    }

    private static boolean collected(CountingBehaviour b) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            System.gc();
            if (live(b.connections) == 0 && live(b.handlers) == 0) {
                return true;
            }
            Thread.sleep(50); // let the collector run: the assertion is on what is collected, not on time
        }
        return false;
    }
}
