package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.node.DaemonFixture.Control;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.metrics.DaemonMetrics;
import org.jlibp2p.node.metrics.PrometheusText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons with {@code -metricsAddr}, scraped over HTTP: what the endpoint shows matches what the test made them
 * do (connections, streams of a protocol, bytes, DHT lookups, pubsub messages and meshes).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTest {
    private static final Duration OP = Duration.ofSeconds(10);
    private static final String ECHO = "/echo/1.0.0";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private P2pd.Daemon a;
    private P2pd.Daemon b;
    private final List<ChannelDuplex> held = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        a = DaemonFixture.start(Control.UNIX, dir, "a", "-metricsAddr", "127.0.0.1:0", "-dht", "-pubsub");
        b = DaemonFixture.start(Control.UNIX, dir, "b", "-metricsAddr", "127.0.0.1:0", "-dht", "-pubsub");
    }

    @AfterEach
    void stop() throws IOException {
        for (ChannelDuplex c : held) {
            c.close();
        }
        a.close();
        b.close();
    }

    private static PrometheusText.Parsed scrape(P2pd.Daemon d) throws Exception {
        String url = d.swarm().behaviour(DaemonMetrics.class).orElseThrow().url();
        assertTrue(url.startsWith("http://127.0.0.1:"), url);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(OP).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        return PrometheusText.parse(r.body());
    }

    /** Scrapes until {@code check} holds (at most 10 s), then returns that scrape. */
    private static PrometheusText.Parsed scrapeUntil(P2pd.Daemon d,
            java.util.function.Predicate<PrometheusText.Parsed> check) throws Exception {
        long end = System.nanoTime() + OP.toNanos();
        PrometheusText.Parsed p = scrape(d);
        while (!check.test(p) && System.nanoTime() < end) {
            Thread.sleep(100);
            p = scrape(d);
        }
        return p;
    }

    @Test
    void scrapesShowWhatTheDaemonsDid() throws Exception {
        ControlClient ca = new ControlClient(a.control().address());
        ControlClient cb = new ControlClient(b.control().address());
        PeerId bId = b.swarm().localPeer();
        ca.call(new ControlRequest.Connect(bId, b.addresses(), OP), ControlResponse.Ok.class);

        // 5 echo streams from A to B, 64 KiB through each, held open
        int streams = 5;
        int size = 64 * 1024;
        for (int i = 0; i < streams; i++) {
            ChannelDuplex conn = ca.open();
            held.add(conn);
            ControlClient.send(conn, new ControlRequest.StreamOpen(bId, List.of(ECHO), OP),
                    ControlResponse.StreamOpened.class);
            byte[] data = new byte[size];
            new Random(i).nextBytes(data);
            conn.output().write(data);
            conn.output().flush();
            assertArrayEquals(data, conn.input().readNBytes(size));
        }
        PrometheusText.Parsed pa = scrapeUntil(a, p -> p.value("libp2p_streams", "protocol", ECHO,
                "direction", "outbound").orElse(0.0) == streams);
        PrometheusText.Parsed pb = scrapeUntil(b, p -> p.value("libp2p_inbound_streams_total", "protocol", ECHO)
                .orElse(0.0) == streams);
        assertEquals(streams, pa.get("libp2p_streams", "protocol", ECHO, "direction", "outbound"));
        assertEquals(streams, pb.get("libp2p_streams", "protocol", ECHO, "direction", "inbound"));
        assertEquals(streams, pb.get("libp2p_inbound_streams_total", "protocol", ECHO));
        assertEquals(1, pa.get("libp2p_connections", "direction", "outbound"));
        assertEquals(0, pa.get("libp2p_connections", "direction", "inbound"));
        assertEquals(1, pb.get("libp2p_connections", "direction", "inbound"));
        assertEquals(1, pa.get("libp2p_connections_opened_total", "direction", "outbound"));
        assertEquals("counter", pa.types().get("libp2p_transport_sent_bytes_total"));
        long echoed = (long) streams * size;
        assertTrue(pa.get("libp2p_transport_sent_bytes_total") >= echoed, "A sent the data");
        assertTrue(pa.get("libp2p_transport_received_bytes_total") >= echoed, "A received the echo");
        assertTrue(pb.get("libp2p_transport_received_bytes_total") >= echoed, "B received the data");
        // all of it, and not much more than it: the rest is handshakes, identify and framing
        assertTrue(pb.get("libp2p_transport_received_bytes_total") < echoed + 64 * 1024,
                "B received " + pb.get("libp2p_transport_received_bytes_total"));

        // the streams end: the gauge follows
        for (ChannelDuplex c : held) {
            c.close();
        }
        held.clear();
        pa = scrapeUntil(a, p -> p.value("libp2p_streams", "protocol", ECHO, "direction", "outbound")
                .orElse(0.0) == 0);
        assertEquals(0, pa.value("libp2p_streams", "protocol", ECHO, "direction", "outbound").orElse(0.0));

        // DHT: B is in A's routing table; three lookups of values nobody has
        assertEquals(1, scrapeUntil(a, p -> p.get("libp2p_kad_routing_table_size") == 1)
                .get("libp2p_kad_routing_table_size"));
        for (int i = 0; i < 3; i++) {
            assertThrows(IOException.class, () -> ca.call(new ControlRequest.GetValue(
                    ("/pk/missing" + System.nanoTime()).getBytes(StandardCharsets.UTF_8), OP),
                    ControlResponse.Dht.class));
        }
        assertEquals(3, scrape(a).get("libp2p_kad_queries_total", "kind", "get_value", "found", "false"));

        // pubsub: both subscribe, their mesh forms, A publishes 3 messages, B delivers them
        for (ControlClient c : List.of(ca, cb)) {
            ChannelDuplex sub = c.open();
            held.add(sub);
            ControlClient.send(sub, new ControlRequest.PubsubSubscribe("news"), ControlResponse.Ok.class);
        }
        assertEquals(1, scrapeUntil(a, p -> p.value("libp2p_pubsub_mesh_peers", "topic", "news").orElse(0.0) == 1)
                .get("libp2p_pubsub_mesh_peers", "topic", "news"));
        for (int i = 0; i < 3; i++) {
            ca.call(new ControlRequest.PubsubPublish("news", ("m" + i).getBytes(StandardCharsets.UTF_8)),
                    ControlResponse.Ok.class);
        }
        assertEquals(3, scrape(a).get("libp2p_pubsub_messages_total", "fate", "published"));
        assertEquals(3, scrapeUntil(b, p -> p.get("libp2p_pubsub_messages_total", "fate", "delivered") == 3)
                .get("libp2p_pubsub_messages_total", "fate", "delivered"));
        assertEquals(0, scrape(b).get("libp2p_pubsub_messages_total", "fate", "published"));
    }

    @Test
    void dhtRequestsServedAreCountedByTypeAndOutcome() throws Exception {
        ControlClient ca = new ControlClient(a.control().address());
        PeerId bId = b.swarm().localPeer();
        ca.call(new ControlRequest.Connect(bId, b.addresses(), OP), ControlResponse.Ok.class);
        assertEquals(1, scrapeUntil(a, p -> p.get("libp2p_kad_routing_table_size") == 1)
                .get("libp2p_kad_routing_table_size"));
        String served = "libp2p_kad_inbound_requests_total";
        PrometheusText.Parsed before = scrape(b);
        assertEquals(0, before.get(served, "type", "get_value", "outcome", "answered"));
        assertEquals(0, before.get(served, "type", "unknown", "outcome", "malformed"));

        // A looks up three values nobody has: B, its only peer, answers each GET_VALUE
        for (int i = 0; i < 3; i++) {
            assertThrows(IOException.class, () -> ca.call(new ControlRequest.GetValue(
                    ("/pk/missing" + System.nanoTime()).getBytes(StandardCharsets.UTF_8), OP),
                    ControlResponse.Dht.class));
        }
        // then, over streams to B's DHT protocol: bytes that are no message, and a record under the wrong key
        org.jlibp2p.kademlia.internal.KadCodec codec = new org.jlibp2p.kademlia.internal.KadCodec(1 << 20, 64, 8);
        byte[] key = org.jlibp2p.kademlia.KademliaBehaviour.pkKey(a.swarm().localPeer());
        List<byte[]> bad = List.of(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                org.jlibp2p.kademlia.internal.KadCodec.encode(new org.jlibp2p.kademlia.internal.KadMessage(
                        org.jlibp2p.kademlia.internal.KadMessage.Type.PUT_VALUE, key, java.util.Optional.of(
                                new org.jlibp2p.kademlia.internal.KadMessage.Record(
                                        "/pk/other".getBytes(StandardCharsets.UTF_8), new byte[1], "")),
                        List.of(), List.of())));
        for (int i = 0; i < bad.size(); i++) {
            try (ChannelDuplex conn = ca.open()) {
                ControlClient.send(conn, new ControlRequest.StreamOpen(bId,
                        List.of(org.jlibp2p.kademlia.KademliaBehaviour.PROTOCOL_ID), OP),
                        ControlResponse.StreamOpened.class);
                if (i == 0) {
                    conn.output().write(bad.get(i));
                } else {
                    org.jlibp2p.core.io.LengthPrefixed.write(conn.output(), bad.get(i));
                }
                conn.output().flush();
                int n;
                try {
                    n = conn.input().read();
                } catch (IOException reset) {
                    n = -1;
                }
                assertEquals(-1, n, "no answer: B resets the stream");
            }
        }
        PrometheusText.Parsed pb = scrapeUntil(b, p -> p.get(served, "type", "put_value", "outcome", "refused") == 1);
        assertEquals(3, pb.get(served, "type", "get_value", "outcome", "answered"));
        assertEquals(1, pb.get(served, "type", "put_value", "outcome", "refused"));
        assertEquals(0, pb.get(served, "type", "put_value", "outcome", "answered"));
        assertEquals(1, pb.get(served, "type", "unknown", "outcome", "malformed"));
        assertTrue(pb.get(served, "type", "find_node", "outcome", "answered") >= 1, "A's bootstrap lookup");
        assertEquals(0, pb.get(served, "type", "add_provider", "outcome", "answered"));
        assertEquals("counter", pb.types().get(served));
        // A served nothing of the kind: B never looked anything up that A could answer with a value
        assertEquals(0, scrape(a).get(served, "type", "get_value", "outcome", "answered"));
    }

    private static String ctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = P2pctl.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, () -> "p2pctl " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void bitswapBlocksAndRelayReservationsAreCounted() throws Exception {
        // R relays for others; S reserves a slot on it and shares a file with R by Bitswap
        try (P2pd.Daemon r = DaemonFixture.start(Control.UNIX, dir, "r", "-metricsAddr", "127.0.0.1:0", "-relayHop",
                "-bitswap", "-blockstore", dir.resolve("r-blocks").toString());
                P2pd.Daemon s = DaemonFixture.start(Control.UNIX, dir, "s", "-metricsAddr", "127.0.0.1:0",
                        "-bitswap", "-blockstore", dir.resolve("s-blocks").toString(), "-autoRelay")) {
            // what p2pd's main does with -autoRelay for each bootstrap peer
            assertEquals(1, P2pd.autoRelay(s.swarm(), List.of(r.addresses().getFirst().withPeerId(
                    r.swarm().localPeer().multihash())), new PrintStream(OutputStream.nullOutputStream())).size());
            assertEquals(1, scrapeUntil(s, p -> p.value("libp2p_relay_client_reservations").orElse(0.0) == 1)
                    .get("libp2p_relay_client_reservations"));
            assertEquals(1, scrapeUntil(r, p -> p.value("libp2p_relay_service_reservations").orElse(0.0) == 1)
                    .get("libp2p_relay_service_reservations"));
            assertEquals(0, scrape(r).get("libp2p_relay_service_circuits"));

            byte[] data = new byte[3 * 1024 * 1024 + 7]; // helia's 1 MiB chunks: 4 leaves and a root
            new Random(7).nextBytes(data);
            Path file = dir.resolve("shared.bin");
            Files.write(file, data);
            String cid = ctl("-control", s.control().address().toString(), "add", file.toString()).trim();
            ctl("-control", r.control().address().toString(), "get", cid, "-o", dir.resolve("got.bin").toString(),
                    "--json", "--peer", s.addresses().getFirst() + "/p2p/" + s.swarm().localPeer());
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("got.bin")));
            PrometheusText.Parsed pr = scrape(r);
            PrometheusText.Parsed ps = scrape(s);
            assertEquals(5, pr.get("libp2p_bitswap_blocks_total", "direction", "received"));
            assertEquals(5, ps.get("libp2p_bitswap_blocks_total", "direction", "sent"));
            assertEquals(0, ps.get("libp2p_bitswap_blocks_total", "direction", "received"));
            double leafBytes = data.length;
            assertTrue(pr.get("libp2p_bitswap_block_bytes_total", "direction", "received") > leafBytes,
                    "the leaves and the root node");
            assertTrue(pr.get("libp2p_bitswap_block_bytes_total", "direction", "received") < leafBytes + 4096);
            assertEquals(pr.get("libp2p_bitswap_block_bytes_total", "direction", "received"),
                    ps.get("libp2p_bitswap_block_bytes_total", "direction", "sent"));
            assertEquals(0, pr.get("libp2p_bitswap_bad_blocks_total"));
        }
    }

    @Test
    void noEndpointWithoutTheFlag() throws Exception {
        try (P2pd.Daemon plain = DaemonFixture.start(Control.UNIX, dir, "plain")) {
            assertTrue(plain.swarm().behaviour(DaemonMetrics.class).isEmpty());
        }
        assertThrows(Exception.class, () -> DaemonFixture.start(Control.UNIX, dir, "bad", "-metricsAddr", "nonsense"));
    }
}
