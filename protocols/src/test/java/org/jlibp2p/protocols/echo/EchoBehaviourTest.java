package org.jlibp2p.protocols.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.jlibp2p.core.mux.StreamResetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EchoBehaviourTest {
    private final MemoryTransport.Network net = new MemoryTransport.Network();

    @Test
    void echoesThenHalfClosesAndGivesItsBufferBack() throws Exception {
        try (Swarm server = TestNodes.memory(net, TestStack.NOISE_YAMUX);
                Swarm client = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            server.addBehaviour(new EchoBehaviour());
            Connection c = client.dial(TestNodes.withPeer(TestNodes.listenMemory(server), server.localPeer()));
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            try (Stream s = c.newStream(List.of(EchoBehaviour.PROTOCOL_ID))) {
                s.output().write(hello);
                s.closeOutput();
                assertArrayEquals(hello, s.input().readAllBytes());
            }
            assertTrue(eventually(() -> server.resources().usage().system().memory() == 0));
        }
    }

    @Test
    void theClientSideGetsBackMoreThanTheMuxerWindowsHold() throws Exception {
        try (Swarm server = TestNodes.memory(net, TestStack.NOISE_YAMUX);
                Swarm client = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            server.addBehaviour(new EchoBehaviour());
            Connection c = client.dial(TestNodes.withPeer(TestNodes.listenMemory(server), server.localPeer()));
            byte[] data = new byte[4 << 20]; // past Yamux's initial 256 KiB windows both ways: write and read overlap
            new java.util.Random(4).nextBytes(data);
            assertArrayEquals(data, EchoBehaviour.exchange(c, data));
            assertArrayEquals(new byte[0], EchoBehaviour.exchange(c, new byte[0]));
        }
    }

    @Test
    void aStreamWithoutProgressIsResetAfterTheTimeout() throws Exception {
        try (Swarm server = TestNodes.memory(net, TestStack.NOISE_YAMUX);
                Swarm client = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            server.addBehaviour(new EchoBehaviour(Duration.ofMillis(300)));
            Connection c = client.dial(TestNodes.withPeer(TestNodes.listenMemory(server), server.localPeer()));
            Stream s = c.newStream(List.of(EchoBehaviour.PROTOCOL_ID));
            long t0 = System.nanoTime();
            // nothing sent: the server gives up on the stream, and the read here ends with the reset
            assertThrows(StreamResetException.class, () -> s.input().read());
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(250).toNanos());
            assertTrue(c.isOpen(), "the connection stays");
            assertTrue(eventually(() -> server.resources().usage().system().streamsInbound() == 0));
        }
    }

    @Test
    void whenTheMemoryLimitIsReachedNewEchoStreamsAreRefusedAndTheOldOnesWork() throws Exception {
        // room for two echo buffers per connection
        Limits tight = Limits.defaults().with(ResourceLimits.Kind.CONNECTION, l -> l.withMemory(2 * 64 * 1024));
        try (Swarm server = TestNodes.swarm(new MemoryTransport(net), TestStack.NOISE_YAMUX, tight);
                Swarm client = TestNodes.memory(net, TestStack.NOISE_YAMUX)) {
            server.addBehaviour(new EchoBehaviour());
            Connection c = client.dial(TestNodes.withPeer(TestNodes.listenMemory(server), server.localPeer()));
            Stream a = c.newStream(List.of(EchoBehaviour.PROTOCOL_ID));
            Stream b = c.newStream(List.of(EchoBehaviour.PROTOCOL_ID));
            for (Stream s : List.of(a, b)) {
                s.output().write(7);
                s.output().flush();
                assertEquals(7, s.input().read());
            }
            // No buffer for a third: the server resets it right after agreeing on the protocol, which the
            // negotiation here may meet already (the reset overtakes the agreement), or the write, or else the read.
            assertThrows(StreamResetException.class, () -> {
                Stream third = c.newStream(List.of(EchoBehaviour.PROTOCOL_ID));
                third.output().write(7);
                third.output().flush();
                third.input().read();
            }, "no buffer for a third");
            a.output().write(8);
            a.output().flush();
            assertEquals(8, a.input().read());
            assertEquals(1, server.resources().refusals().count("connection memory"));
        }
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
