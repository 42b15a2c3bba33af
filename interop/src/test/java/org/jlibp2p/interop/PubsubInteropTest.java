package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our gossipsub and floodsub against js-libp2p's {@code @libp2p/gossipsub} and {@code @libp2p/floodsub}
 * (interop/js/pubsub.mjs), on loopback, all with strict signing. Four nodes: J0 our gossipsub daemon, J1 our
 * floodsub daemon ({@code p2pd -pubsub}, driven by js's {@code @libp2p/daemon-client}), S0 js gossipsub, S1 js
 * floodsub, connected as S1 - J0 - S0 - J1, so every message crosses a gossipsub node talking to a floodsub one
 * (js floodsub with our gossipsub, our floodsub with js gossipsub). Every node publishes once; every other node must
 * receive each message exactly once, signed by its publisher. Topic peers (LIST_PEERS) and GET_TOPICS are checked
 * through the daemon client. The matrix is printed.
 */
@Timeout(120)
class PubsubInteropTest {
    private static final String TOPIC = "jlibp2p-interop";
    private static final int DELIVERY_MS = 10_000;

    /** The js side: pubsub nodes and a daemon client in one Node.js process, one command at a time. */
    private static final class Js implements AutoCloseable {
        final JsScript script;
        final List<String> peerIds = new ArrayList<>();

        Js(String routers) throws IOException {
            script = JsScript.start("pubsub.mjs", "--routers", routers);
            try {
                JsonObject ready = script.next(60);
                ready.getAsJsonArray("nodes").forEach(n -> peerIds.add(n.getAsJsonObject().get("peerId")
                        .getAsString()));
            } catch (IOException | RuntimeException e) {
                script.close();
                throw e;
            }
        }

        /** Sends a command and returns its answer, failing the test when the command failed. */
        JsonObject call(Object... keyValues) throws IOException {
            JsonObject r = script.send(60, keyValues);
            assertTrue(r.get("ok").getAsBoolean(), "js " + List.of(keyValues) + " failed: " + r.get("error"));
            return r;
        }

        @Override
        public void close() {
            script.close();
        }
    }

    /** A node of the network as the js process addresses it: a js node's index, or a daemon's control address. */
    private record Node(String name, String router, String peerId, String key, Object value) {}

    private record Row(String publisher, String router, String receivers, long ms, boolean passed) {}

    @Test
    void everySubscriberGetsEveryMessageOnceAcrossJsAndOurRouters() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (P2pdProcess j0 = P2pdProcess.start("-pubsub", "-pubsubRouter=gossipsub");
                P2pdProcess j1 = P2pdProcess.start("-pubsub", "-pubsubRouter=floodsub");
                Js js = new Js("gossipsub,floodsub")) {
            Node nJ0 = new Node("J0 (ours)", "gossipsub", j0.peerId(), "control", j0.control());
            Node nJ1 = new Node("J1 (ours)", "floodsub", j1.peerId(), "control", j1.control());
            Node nS0 = new Node("S0 (js)", "gossipsub", js.peerIds.get(0), "node", 0);
            Node nS1 = new Node("S1 (js)", "floodsub", js.peerIds.get(1), "node", 1);
            List<Node> all = List.of(nJ0, nJ1, nS0, nS1);

            // S1 - J0 - S0 - J1
            js.call("cmd", "dial", "node", 1, "addr", j0.dialable());
            js.call("cmd", "dial", "node", 0, "addr", j0.dialable());
            js.call("cmd", "dial", "node", 0, "addr", j1.dialable());
            for (Node n : all) {
                js.call("cmd", "subscribe", n.key(), n.value(), "topic", TOPIC);
            }
            // each node lists its neighbours as topic peers (LIST_PEERS for our daemons)
            Map<Node, List<Node>> neighbours = Map.of(nJ0, List.of(nS0, nS1), nJ1, List.of(nS0),
                    nS0, List.of(nJ0, nJ1), nS1, List.of(nJ0));
            for (Node n : all) {
                String want = String.join(",", neighbours.get(n).stream().map(Node::peerId).toList());
                js.call("cmd", "waitPeers", n.key(), n.value(), "topic", TOPIC, "peers", want, "ms", 10_000);
            }
            for (P2pdProcess d : List.of(j0, j1)) {
                JsonObject topics = js.call("cmd", "topics", "control", d.control());
                assertEquals(List.of(TOPIC), strings(topics.getAsJsonArray("topics")), "GET_TOPICS of " + d.peerId());
            }

            // every node publishes once; the others must receive it
            Map<Node, String> sent = new LinkedHashMap<>();
            for (Node publisher : all) {
                String data = Base64.getEncoder().encodeToString(("from " + publisher.name() + " "
                        + publisher.peerId()).getBytes(StandardCharsets.UTF_8));
                sent.put(publisher, data);
                long t0 = System.nanoTime();
                js.call("cmd", "publish", publisher.key(), publisher.value(), "topic", TOPIC, "data", data);
                List<String> got = new ArrayList<>();
                boolean passed = true;
                for (Node receiver : all) {
                    if (receiver == publisher) {
                        continue;
                    }
                    JsonObject r = js.call("cmd", "waitReceived", receiver.key(), receiver.value(), "topic", TOPIC,
                            "data", data, "ms", DELIVERY_MS);
                    boolean has = false;
                    for (JsonElement e : r.getAsJsonArray("messages")) {
                        has |= e.getAsJsonObject().get("data").getAsString().equals(data);
                    }
                    got.add(receiver.name().split(" ")[0] + (has ? "" : " MISSING"));
                    passed &= has;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                rows.add(new Row(publisher.name(), publisher.router(), String.join(" ", got), ms, passed));
            }

            // exactly once, signed, from the publisher. A daemon's subscription also carries what the daemon
            // itself published, as go's daemon does; js nodes run without emitSelf.
            for (Node receiver : all) {
                boolean ownToo = receiver.key().equals("control");
                JsonObject r = js.call("cmd", "waitReceived", receiver.key(), receiver.value(), "topic", TOPIC,
                        "count", all.size() - (ownToo ? 0 : 1), "ms", 0);
                List<JsonObject> messages = new ArrayList<>();
                r.getAsJsonArray("messages").forEach(e -> messages.add(e.getAsJsonObject()));
                assertEquals(all.size() - (ownToo ? 0 : 1), messages.size(), receiver.name() + " received "
                        + messages);
                for (Node publisher : all) {
                    if (publisher == receiver && !ownToo) {
                        continue;
                    }
                    List<JsonObject> of = messages.stream()
                            .filter(m -> m.get("data").getAsString().equals(sent.get(publisher))).toList();
                    assertEquals(1, of.size(), receiver.name() + " got " + publisher.name() + "'s message " + of.size()
                            + " times");
                    JsonObject m = of.getFirst();
                    assertEquals(publisher.peerId(), m.get("from").getAsString(), "from of " + m);
                    assertTrue(m.get("signed").getAsBoolean(), receiver.name() + " got an unsigned message " + m);
                    assertTrue(!m.get("seqno").getAsString().isEmpty(), "seqno of " + m);
                }
            }
        } finally {
            printMatrix(rows);
        }
        assertEquals(4, rows.size());
        for (Row row : rows) {
            assertTrue(row.passed(), row.publisher() + " (" + row.router() + ") reached " + row.receivers());
            assertTrue(row.ms() < DELIVERY_MS, row.publisher() + " took " + row.ms() + " ms");
        }
    }

    private static List<String> strings(com.google.gson.JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private static void printMatrix(List<Row> rows) {
        StringBuilder sb = new StringBuilder("\nPubsub interop matrix (J = our p2pd -pubsub via @libp2p/daemon-client,"
                + " S = js-libp2p; S1 - J0 - S0 - J1, strict signing)\n");
        sb.append(String.format("%-10s %-10s %-26s %8s  %s%n", "publisher", "router", "received by", "ms", "result"));
        for (Row r : rows) {
            sb.append(String.format("%-10s %-10s %-26s %8d  %s%n", r.publisher(), r.router(), r.receivers(), r.ms(),
                    r.passed() ? "ok" : "FAILED"));
        }
        System.out.print(sb);
    }
}
