package org.jlibp2p.protocols.ping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multistream.NoCommonProtocolException;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.testkit.FakeBehaviourContext;
import org.jlibp2p.testkit.FakeConnection;
import org.jlibp2p.testkit.FakeHandlerContext;
import org.jlibp2p.testkit.PipeStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Periodic pings on the manual clock, through fake contexts: no swarm, no transport. */
@Timeout(20)
class PingBehaviourTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final KeyPair remote = Keys.generateEd25519();
    private final FakeBehaviourContext context = new FakeBehaviourContext(Keys.generateEd25519().privateKey(), clock);
    private final PingBehaviour ping = new PingBehaviour(PingConfig.defaults());
    private final FakeConnection conn = FakeConnection.to(context.localPeer(), remote);

    @Test
    void pingsEachIntervalOnOneKeptStreamAndReportsTheRoundTrip() throws Exception {
        ping.start(context);
        assertEquals(Set.of(PingBehaviour.PROTOCOL_ID), context.served());
        PipeStreams.Pair stream = PipeStreams.outbound(conn, PingBehaviour.PROTOCOL_ID);
        Thread remoteSide = Thread.ofVirtual().start(() -> {
            try {
                PingProtocol.serve(stream.remote());
            } catch (java.io.IOException e) {
                // the test ends the stream
            }
        });
        AtomicInteger opened = new AtomicInteger();
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock).streams(p -> {
            opened.incrementAndGet();
            return stream.local();
        });
        ping.newHandler(hc);
        assertTrue(hc.pendingTasks().isEmpty(), "nothing before the first interval");
        clock.advance(Duration.ofSeconds(14));
        assertTrue(hc.pendingTasks().isEmpty());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, hc.runSpawned());
        clock.advance(Duration.ofSeconds(15));
        assertEquals(1, hc.runSpawned());
        List<PingEvent.Success> ok = context.emitted(PingEvent.Success.class);
        assertEquals(2, ok.size());
        assertEquals(Duration.ZERO, ok.getFirst().rtt(), "time stands still on the manual clock");
        assertEquals(1, opened.get(), "one stream for both pings");
        stream.remote().reset();
        remoteSide.join(5000);
    }

    @Test
    void aPingUnansweredWithinTheTimeoutFailsWhenTheClockSaysSo() throws Exception {
        ping.start(context);
        PipeStreams.Pair stream = PipeStreams.outbound(conn, PingBehaviour.PROTOCOL_ID); // nobody answers
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock).streams(p -> stream.local());
        ping.newHandler(hc);
        clock.advance(Duration.ofSeconds(15));
        Thread pinger = Thread.ofVirtual().start(() -> {
            try {
                hc.runSpawned();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        long end = System.nanoTime() + 5_000_000_000L;
        while (clock.pendingTasks() == 0 && System.nanoTime() < end) {
            Thread.sleep(1); // until the ping is out and its timeout armed on the clock
        }
        assertEquals(1, clock.pendingTasks(), "the ping's timeout is armed");
        assertTrue(context.emitted().isEmpty());
        clock.advance(Duration.ofSeconds(19));
        assertTrue(context.emitted().isEmpty(), "not before the timeout");
        clock.advance(Duration.ofSeconds(1));
        pinger.join(5000);
        PingEvent.Failure f = assertInstanceOf(PingEvent.Failure.class, context.emitted().getFirst());
        assertInstanceOf(SocketTimeoutException.class, f.error());
        assertEquals(conn.remotePeer(), f.peer());
        assertEquals(1, clock.pendingTasks(), "the next ping is scheduled");
    }

    @Test
    void aPeerWithoutPingIsAskedOnceOnly() throws Exception {
        ping.start(context);
        FakeHandlerContext hc = new FakeHandlerContext(conn, clock); // every stream refused
        ping.newHandler(hc);
        clock.advance(Duration.ofSeconds(15));
        hc.runSpawned();
        assertInstanceOf(NoCommonProtocolException.class,
                context.emitted(PingEvent.Failure.class).getFirst().error());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(0, hc.runSpawned());
        assertEquals(1, context.emitted().size());
    }
}
