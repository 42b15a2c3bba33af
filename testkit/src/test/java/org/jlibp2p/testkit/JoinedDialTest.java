package org.jlibp2p.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.core.transport.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A caller who joined a dial under way is not failed by the first caller abandoning it. */
class JoinedDialTest {
    @Test
    @Timeout(30)
    void whenTheFirstCallerIsInterruptedTheCallerWhoJoinedDialsAnew() throws Exception {
        MemoryTransport.Network net = new MemoryTransport.Network();
        try (Swarm target = TestNodes.memory(net, TestStack.NOISE_YAMUX);
                Swarm dialer = TestNodes.memory(net, TestStack.NOISE_YAMUX);
                Listener silent = new MemoryTransport(net).listen(Multiaddr.parse("/memory/0"))) {
            Multiaddr real = TestNodes.listenMemory(target);
            AtomicReference<IOException> firstFailure = new AtomicReference<>();
            // The first caller knows only an address that accepts and never answers the handshake.
            Thread first = Thread.ofVirtual().start(() -> {
                try {
                    dialer.dial(target.localPeer(), List.of(silent.address()));
                } catch (IOException e) {
                    firstFailure.set(e);
                }
            });
            RawConnection held = silent.accept(); // the first dial is under way
            dialer.peerstore().addAddresses(target.localPeer(), List.of(real));
            CompletableFuture<Connection> second = new CompletableFuture<>();
            Thread joiner = Thread.ofVirtual().start(() -> {
                try {
                    second.complete(dialer.dial(target.localPeer()));
                } catch (IOException | RuntimeException e) {
                    second.completeExceptionally(e);
                }
            });
            // the second caller waits on the first's dial
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (joiner.getState() != Thread.State.WAITING && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertEquals(Thread.State.WAITING, joiner.getState());
            first.interrupt();
            first.join();
            assertInstanceOf(InterruptedIOException.class, firstFailure.get());
            Connection c = second.get(10, TimeUnit.SECONDS);
            assertEquals(target.localPeer(), c.remotePeer());
            assertTrue(c.isOpen());
            held.close();
        }
    }
}
