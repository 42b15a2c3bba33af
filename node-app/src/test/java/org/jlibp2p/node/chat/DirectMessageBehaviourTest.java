package org.jlibp2p.node.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Direct messages between two in-memory nodes: acknowledged, refused when oversized, timed out when unanswered. */
@Timeout(60)
class DirectMessageBehaviourTest {
    @Test
    void aMessageIsAcknowledgedAndReported() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(2)
                .behaviours(i -> List.of(new DirectMessageBehaviour())).build()) {
            net.connect(Topology.line());
            DirectMessageBehaviour a = net.node(0).swarm().behaviour(DirectMessageBehaviour.class).orElseThrow();
            a.send(net.node(1).peerId(), new ChatCodec.Direct("m1", "ann", "hi", 5), Duration.ofSeconds(10));
            DirectMessageBehaviour.Received r = net.node(1).recorder().awaitEmitted(
                    DirectMessageBehaviour.Received.class, x -> true, TestNetwork.WAIT);
            assertEquals(net.node(0).peerId(), r.from());
            assertEquals(new ChatCodec.Direct("m1", "ann", "hi", 5), r.message());
        }
    }

    @Test
    void anOversizedOrMalformedMessageCostsTheSenderItsStream() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(2)
                .behaviours(i -> List.of(new DirectMessageBehaviour())).build()) {
            net.connect(Topology.line());
            for (byte[] frame : List.of(new byte[ChatCodec.MAX_BYTES + 1], "{\"id\":1}".getBytes())) {
                try (Stream s = net.node(0).swarm().newStream(net.node(1).peerId(),
                        List.of(DirectMessageBehaviour.PROTOCOL_ID))) {
                    LengthPrefixed.write(s.output(), frame);
                    s.output().flush();
                    assertThrows(IOException.class, () -> s.input().readAllBytes());
                }
            }
            assertTrue(net.node(0).swarm().isConnected(net.node(1).peerId()));
            assertTrue(net.node(1).recorder().emitted(DirectMessageBehaviour.Received.class).isEmpty());
        }
    }

    @Test
    void aPeerThatNeverAcknowledgesMakesTheSendFailInTime() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(2)
                .behaviours(i -> i == 0 ? List.of(new DirectMessageBehaviour()) : List.of()).build()) {
            // node 1 takes the stream, reads the message and never answers
            net.node(1).swarm().setStreamHandler(DirectMessageBehaviour.PROTOCOL_ID, s -> {
                s.input().readAllBytes();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            net.connect(Topology.line());
            DirectMessageBehaviour a = net.node(0).swarm().behaviour(DirectMessageBehaviour.class).orElseThrow();
            Instant start = Instant.now();
            assertThrows(IOException.class, () -> a.send(net.node(1).peerId(),
                    new ChatCodec.Direct("m1", "ann", "hi", 5), Duration.ofMillis(500)));
            assertTrue(Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0);
        }
    }
}
