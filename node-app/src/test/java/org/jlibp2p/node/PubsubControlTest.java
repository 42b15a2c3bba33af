package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.node.DaemonFixture.Control;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.PubsubMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The PUBSUB control requests between two daemons started with -pubsub, and p2pctl pubsub. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PubsubControlTest {
    @TempDir
    Path dir;
    private P2pd.Daemon a;
    private P2pd.Daemon b;

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private void startConnected(String... flags) throws Exception {
        a = DaemonFixture.start(Control.UNIX, dir, "a", flags);
        b = DaemonFixture.start(Control.UNIX, dir, "b", flags);
        b.swarm().dial(a.swarm().listenAddresses().getFirst().withPeerId(a.swarm().localPeer().multihash()));
    }

    private static ControlClient client(P2pd.Daemon d) throws IOException {
        return new ControlClient(d.control().address());
    }

    private static List<PeerId> topicPeers(P2pd.Daemon d, String topic) {
        try {
            return client(d).call(new ControlRequest.PubsubListPeers(topic), ControlResponse.PubsubPeers.class).peers();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void aSubscriberOnOneDaemonReceivesWhatTheOtherPublishes() throws Exception {
        startConnected("-pubsub");
        PeerId pa = a.swarm().localPeer();
        PeerId pb = b.swarm().localPeer();
        try (ChannelDuplex sub = client(b).open()) {
            ControlClient.send(sub, new ControlRequest.PubsubSubscribe("news"), ControlResponse.Ok.class);
            assertEquals(List.of("news"), client(b).call(new ControlRequest.PubsubGetTopics(),
                    ControlResponse.PubsubTopics.class).topics());
            assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> topicPeers(a, "news").contains(pb)),
                    "a learns b's subscription");
            assertEquals(List.of(pb), topicPeers(a, ""), "every pubsub peer");
            client(a).call(new ControlRequest.PubsubPublish("news", "hello".getBytes(StandardCharsets.UTF_8)),
                    ControlResponse.Ok.class);
            PubsubMessage m = ControlCodec.decodePubsubMessage(LengthPrefixed.read(sub.input(), 1 << 20));
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), m.data());
            assertEquals(java.util.Optional.of(pa), m.from());
            assertEquals(List.of("news"), m.topics());
            assertTrue(m.signature().isPresent() && m.seqno().isPresent(), "strict signing by default");
        }
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> {
            try {
                return client(b).call(new ControlRequest.PubsubGetTopics(), ControlResponse.PubsubTopics.class)
                        .topics().isEmpty();
            } catch (IOException e) {
                return false;
            }
        }), "closing the connection ends the subscription");
    }

    @Test
    void floodsubAndUnsignedMessagesAsTheFlagsSay() throws Exception {
        startConnected("-pubsub", "-pubsubRouter=floodsub", "-pubsubSign=false");
        try (ChannelDuplex sub = client(b).open()) {
            ControlClient.send(sub, new ControlRequest.PubsubSubscribe("t"), ControlResponse.Ok.class);
            PeerId pb = b.swarm().localPeer();
            assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> topicPeers(a, "t").contains(pb)));
            client(a).call(new ControlRequest.PubsubPublish("t", new byte[] {1}), ControlResponse.Ok.class);
            PubsubMessage m = ControlCodec.decodePubsubMessage(LengthPrefixed.read(sub.input(), 1 << 20));
            assertTrue(m.signature().isEmpty() && m.from().isPresent());
        }
        assertTrue(b.swarm().protocols().contains("/floodsub/1.0.0"));
        assertTrue(!b.swarm().protocols().contains("/meshsub/1.1.0"));
    }

    @Test
    void withoutPubsubTheRequestsAreRefusedAndBadFlagsStopTheStart() throws Exception {
        a = DaemonFixture.start(Control.UNIX, dir, "a");
        IOException e = assertThrows(IOException.class, () -> client(a).call(new ControlRequest.PubsubGetTopics(),
                ControlResponse.PubsubTopics.class));
        assertTrue(e.getMessage().contains("-pubsub"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DaemonFixture.start(Control.UNIX, dir, "x", "-pubsub",
                "-pubsubRouter=randomsub"));
        assertThrows(IllegalArgumentException.class, () -> DaemonFixture.start(Control.UNIX, dir, "y", "-pubsub",
                "-pubsubSignStrict=false"));
        GoFlags f = P2pd.flags().parse("-pubsub", "-gossipsubHeartbeatInterval=700ms",
                "-gossipsubHeartbeatInitialDelay=2s");
        assertEquals(Duration.ofMillis(700), P2pd.pubsubConfig(f).heartbeatInterval());
        assertEquals(Duration.ofSeconds(2), P2pd.pubsubConfig(f).heartbeatInitialDelay());
        assertEquals(Duration.ofSeconds(1), P2pd.pubsubConfig(P2pd.flags().parse("-pubsub")).heartbeatInterval());
    }

    @Test
    void p2pctlPubsubCommands() throws Exception {
        startConnected("-pubsub");
        String ctlB = b.control().address().toString();
        String ctlA = a.control().address().toString();
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> run(InputStream.nullInputStream(),
                "-control", ctlB, "pubsub", "sub", "-n", "2", "chat"));
        PeerId pb = b.swarm().localPeer();
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> topicPeers(a, "chat").contains(pb)));
        assertEquals("chat\n", run(InputStream.nullInputStream(), "-control", ctlB, "pubsub", "topics"));
        assertEquals("{\"peers\":[\"" + pb + "\"]}\n",
                run(InputStream.nullInputStream(), "-control", ctlA, "-json", "pubsub", "peers", "chat"));
        run(InputStream.nullInputStream(), "-control", ctlA, "pubsub", "pub", "chat", "one");
        run(new ByteArrayInputStream("two".getBytes(StandardCharsets.UTF_8)), "-control", ctlA, "pubsub", "pub",
                "chat", "-");
        String out = received.get(20, TimeUnit.SECONDS);
        PeerId pa = a.swarm().localPeer();
        assertEquals(pa + " one\n" + pa + " two\n", out);
    }

    private static String run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = P2pctl.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new AssertionError("p2pctl " + String.join(" ", args) + " exited " + status + ": "
                    + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
