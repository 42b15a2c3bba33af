package org.jlibp2p.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer known at several addresses is dialled at one address at a time: one that answers is not raced by the others
 * (whose abandoned handshakes the remote would see reset), and one that connects but never answers only delays the
 * next.
 */
class DialOrderTest {
    /** A TCP port that accepts connections (the kernel does) and never says a word. */
    private static ServerSocket silentPort() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static Multiaddr addressOf(ServerSocket s) throws IOException {
        return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + s.getLocalPort());
    }

    /** Whether anything connected to {@code s}: a connection the kernel accepted waits in its backlog. */
    private static boolean connectedTo(ServerSocket s) throws IOException {
        s.setSoTimeout(200);
        try (Socket ignored = s.accept()) {
            return true;
        } catch (SocketTimeoutException none) {
            return false;
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anAddressThatAnswersIsNotRacedByTheOthers() throws Exception {
        try (Swarm target = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                Swarm dialer = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                ServerSocket other = silentPort()) {
            Multiaddr real = TestNodes.listenTcp(target);
            for (int i = 0; i < 5; i++) {
                Connection c = dialer.dial(target.localPeer(), List.of(real, addressOf(other)));
                assertEquals(target.localPeer(), c.remotePeer());
                // the dial has ended, and every attempt it made with it: none went to the other address
                assertTrue(!connectedTo(other), "the second address was dialled beside the first, round " + i);
                c.close();
                assertTrue(DialOrderTest.eventually(() -> dialer.connections().isEmpty()));
            }
            assertEquals(0, target.resources().refusals().count("handshake failed"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anAddressThatConnectsAndNeverAnswersOnlyDelaysTheNext() throws Exception {
        try (Swarm target = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                Swarm dialer = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                ServerSocket silent = silentPort()) {
            Multiaddr real = TestNodes.listenTcp(target);
            Connection c = dialer.dial(target.localPeer(), List.of(addressOf(silent), real));
            assertEquals(target.localPeer(), c.remotePeer());
            assertTrue(connectedTo(silent), "the silent address was tried first");
            // and an address that refuses outright costs nothing: the next one follows at once
            c.close();
            assertTrue(DialOrderTest.eventually(() -> dialer.connections().isEmpty()));
            ServerSocket closed = silentPort();
            Multiaddr refusing = addressOf(closed);
            closed.close();
            assertEquals(target.localPeer(), dialer.dial(target.localPeer(), List.of(refusing, real)).remotePeer());
            // with no address that works, the dial fails naming each
            dialer.connections().forEach(Connection::close);
            assertTrue(DialOrderTest.eventually(() -> dialer.connections().isEmpty()));
            target.close();
            Multiaddr silentAt = addressOf(silent);
            silent.close();
            IOException e = assertThrows(IOException.class, () -> dialer.dial(target.localPeer(),
                    List.of(refusing, real)));
            for (Multiaddr a : List.of(refusing, real, silentAt)) {
                assertTrue(e.getMessage().contains(a.toString()), e.getMessage());
            }
        }
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
