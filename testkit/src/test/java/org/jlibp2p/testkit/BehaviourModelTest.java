package org.jlibp2p.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.BehaviourEvent;
import org.jlibp2p.core.swarm.CloseCause;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.core.transport.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the swarm promises behaviours, and the injected clock driving its timers. */
@Timeout(60)
class BehaviourModelTest {
    private final MemoryTransport.Network net = new MemoryTransport.Network();

    /** A behaviour whose handlers vote to keep their connection, or not. */
    private static final class Keeper implements Behaviour {
        private final boolean keep;

        Keeper(boolean keep) {
            this.keep = keep;
        }

        @Override
        public ConnectionHandler newHandler(HandlerContext context) {
            context.keepAlive(keep);
            return ConnectionHandler.REFUSE;
        }
    }

    @Test
    void anIdleConnectionClosesOnTheClockUnlessAHandlerKeepsIt() throws Exception {
        try (TestNetwork idle = TestNetwork.builder().nodes(2).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                .configure(c -> c.withIdleConnectionTimeout(Duration.ofSeconds(10)))
                .behaviours(i -> List.of(new Keeper(false))).build();
                TestNetwork kept = TestNetwork.builder().nodes(2).stack(TestStack.PLAINTEXT_YAMUX).manualClock()
                        .configure(c -> c.withIdleConnectionTimeout(Duration.ofSeconds(10)))
                        .behaviours(i -> List.of(new Keeper(true))).build()) {
            idle.connect(Topology.pair());
            kept.connect(Topology.pair());
            idle.advance(Duration.ofSeconds(9));
            // Less than Yamux's keep-alive interval (30 s): a jump past it could come before the first pong, which
            // arrives in real time, and close the session for an unanswered ping.
            kept.advance(Duration.ofSeconds(25));
            assertEquals(2, idle.connectionCount(), "not idle long enough yet");
            idle.advance(Duration.ofSeconds(5));
            CloseCause at0 = idle.node(0).recorder().await(SwarmEvent.ConnectionClosed.class).cause();
            CloseCause at1 = idle.node(1).recorder().await(SwarmEvent.ConnectionClosed.class).cause();
            // Both ends time out together; the one that closes first says Idle, the other may learn it as Remote.
            assertTrue(at0 instanceof CloseCause.Idle || at1 instanceof CloseCause.Idle, at0 + " / " + at1);
            idle.require("both ends closed", () -> idle.connectionCount() == 0);
            assertEquals(2, kept.connectionCount(), "the handlers' votes keep the connection");
            assertTrue(kept.node(0).recorder().all(SwarmEvent.ConnectionClosed.class).isEmpty());
        }
    }

    @Test
    void aSilentHandshakeIsCutWhenTheClockPassesTheTimeout() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        try (Swarm b = new Swarm(TestNodes.config(Keys.generateEd25519().privateKey(), new MemoryTransport(net),
                TestStack.NOISE_YAMUX, Limits.defaults()).withScheduler(clock))) {
            EventRecorder rb = TestNodes.recorder(b);
            Multiaddr addr = TestNodes.listenMemory(b);
            try (RawConnection silent = new MemoryTransport(net).dial(addr, Duration.ofSeconds(1))) {
                assertFalse(rb.until(() -> !rb.all(SwarmEvent.IncomingConnectionFailed.class).isEmpty(),
                        Duration.ofMillis(300)), "real time passing changes nothing");
                clock.advance(Limits.defaults().handshakeTimeout());
                SwarmEvent.IncomingConnectionFailed f = rb.await(SwarmEvent.IncomingConnectionFailed.class);
                assertInstanceOf(SocketTimeoutException.class, f.error());
                silent.input().readAllBytes(); // its multistream header, then the end: the swarm hung up
            }
        }
    }

    /** Records what it is allowed to do on its own thread. */
    private static final class Misbehaving implements Behaviour {
        final List<Throwable> refused = new CopyOnWriteArrayList<>();
        volatile BehaviourContext context;

        @Override
        public void start(BehaviourContext context) {
            this.context = context;
            context.serve("/test/mine/1.0.0");
        }

        @Override
        public void onEvent(SwarmEvent event) {
            if (event instanceof SwarmEvent.ConnectionEstablished e) {
                try {
                    context.openStream(e.connection().remotePeer(), List.of("/x"));
                } catch (IOException | RuntimeException ex) {
                    refused.add(ex);
                }
                try {
                    e.connection().newStream("/x");
                } catch (IOException | RuntimeException ex) {
                    refused.add(ex);
                }
                e.connection().close(); // allowed: it is done on another thread
            }
        }
    }

    @Test
    void blockingCallsOnTheBehavioursThreadAreRefusedAndAProtocolHasOneOwner() throws Exception {
        try (Swarm a = TestNodes.memory(net, TestStack.PLAINTEXT_YAMUX);
                Swarm b = TestNodes.memory(net, TestStack.PLAINTEXT_YAMUX)) {
            Misbehaving m = new Misbehaving();
            a.addBehaviour(m);
            EventRecorder ra = TestNodes.recorder(a);
            assertThrows(IllegalStateException.class, () -> a.setStreamHandler("/test/mine/1.0.0", s -> { }));
            a.setStreamHandler("/test/app/1.0.0", s -> { });
            assertThrows(IllegalStateException.class, () -> a.setStreamHandler("/test/app/1.0.0", s -> { }),
                    "a second registration does not silently replace the first");
            for (String bad : List.of("", "na", "ls", "/with\nnewline", "/" + "x".repeat(1024))) {
                assertThrows(IllegalArgumentException.class, () -> a.setStreamHandler(bad, s -> { }),
                        "multistream-select cannot carry '" + bad + "': serving it would break every negotiation");
            }
            assertTrue(a.protocols().containsAll(List.of("/test/mine/1.0.0", "/test/app/1.0.0")));
            a.dial(TestNodes.withPeer(TestNodes.listenMemory(b), b.localPeer()));
            SwarmEvent.ConnectionClosed c = ra.await(SwarmEvent.ConnectionClosed.class);
            assertInstanceOf(CloseCause.Local.class, c.cause());
            assertEquals(2, m.refused.size(), m.refused.toString());
            m.refused.forEach(t -> assertInstanceOf(IllegalStateException.class, t));
        }
    }

    /** Keeps its context, for the test to post through. */
    private static final class Plain implements Behaviour {
        volatile BehaviourContext context;
        int count; // on the behaviour's thread

        @Override
        public void start(BehaviourContext context) {
            this.context = context;
        }
    }

    @Test
    void behavioursPostingToEachOtherThroughFullInboxesNeverWait() throws Exception {
        try (Swarm s = new Swarm(TestNodes.config(Keys.generateEd25519().privateKey(), new MemoryTransport(net),
                TestStack.PLAINTEXT_YAMUX, Limits.defaults()).withEventQueueCapacity(1))) {
            Plain a = new Plain();
            Plain b = new Plain();
            s.addBehaviour(a);
            s.addBehaviour(b);
            int n = 10_000;
            a.context.execute(() -> {
                for (int i = 0; i < n; i++) {
                    b.context.execute(() -> {
                        b.count++;
                        a.context.execute(() -> a.count++);
                    });
                }
            });
            Signal never = new Signal();
            assertTrue(never.await(() -> {
                try {
                    return a.context.call(() -> a.count) == n;
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(20)), "a ping-pong of " + n + " tasks through inboxes of one");
            assertEquals(n, b.context.call(() -> b.count));
            assertThrows(IllegalStateException.class, () -> {
                Throwable[] failure = new Throwable[1];
                a.context.call(() -> {
                    try {
                        return b.context.call(() -> 0);
                    } catch (RuntimeException | InterruptedException e) {
                        failure[0] = e;
                        return -1;
                    }
                });
                throw (RuntimeException) failure[0];
            }, "a behaviour may not wait on another");
        }
    }

    record Hello(String text) implements BehaviourEvent {}

    /** Emits one event per connection and counts what it is told, to check late joiners. */
    private static final class Greeter implements Behaviour {
        volatile BehaviourContext context;
        final List<Long> handlersFor = new CopyOnWriteArrayList<>();

        @Override
        public void start(BehaviourContext context) {
            this.context = context;
        }

        @Override
        public ConnectionHandler newHandler(HandlerContext hc) {
            handlersFor.add(hc.connection().id());
            return ConnectionHandler.REFUSE;
        }

        @Override
        public void onEvent(SwarmEvent event) {
            if (event instanceof SwarmEvent.ConnectionEstablished e) {
                context.emit(new Hello("met " + e.connection().id()));
            }
        }
    }

    @Test
    void aLateBehaviourLearnsTheOpenConnectionsAndOutputsReachSubscribersInOrder() throws Exception {
        try (Swarm a = TestNodes.memory(net, TestStack.PLAINTEXT_YAMUX);
                Swarm b = TestNodes.memory(net, TestStack.PLAINTEXT_YAMUX);
                EventSubscription events = a.subscribe()) {
            Connection c = a.dial(TestNodes.withPeer(TestNodes.listenMemory(b), b.localPeer()));
            Greeter late = new Greeter();
            a.addBehaviour(late);
            assertTrue(a.awaitEventsHandled(Duration.ofSeconds(10)));
            assertEquals(List.of(c.id()), late.handlersFor, "a handler for the connection open before it came");
            SwarmEvent.ConnectionEstablished est = events.next(SwarmEvent.ConnectionEstablished.class,
                    Duration.ofSeconds(10)).orElseThrow();
            assertEquals(c.id(), est.connection().id());
            SwarmEvent.Emitted hello = events.next(SwarmEvent.Emitted.class, Duration.ofSeconds(10)).orElseThrow();
            assertEquals(new Hello("met " + c.id()), hello.event());
            assertEquals(0, events.missed());
            try (Stream s = b.connection(a.localPeer()).orElseThrow().newStream("/test/none/1.0.0")) {
                throw new AssertionError("nobody serves it: " + s);
            } catch (org.jlibp2p.core.multistream.NoCommonProtocolException expected) {
                // refused, the connection stays
            }
            assertTrue(c.isOpen());
        }
    }
}
