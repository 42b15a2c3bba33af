package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our DHT against js-libp2p's {@code @libp2p/kad-dht} (interop/js/dht.mjs), on loopback, in a line of alternating
 * Java daemons ({@code p2pd -dht}, processes as {@code bin/p2pd} runs them) and js nodes, each connected at first
 * only to its neighbours: J0 - S0 - J1 - S1. Our daemons are driven by js's {@code @libp2p/daemon-client}, so every
 * DHT answer of ours goes through go's control-protocol framing and js's reading of it, within its 10 s limit.
 * Each operation runs both ways: our node asking with js nodes on the path and holding the data, and a js node asking
 * with ours on the path and holding it. The matrix is printed.
 */
@Timeout(240)
class DhtInteropTest {
    /** js's daemon client gives up after 10 s; ours must answer well within. */
    private static final long PROMPT_MS = 8_000;

    /** The js side: DHT nodes and a daemon client in one Node.js process, one command at a time. */
    private static final class Js implements AutoCloseable {
        final JsScript script;
        final List<String> peerIds = new ArrayList<>();

        Js(int nodes) throws IOException {
            script = JsScript.start("dht.mjs", "--nodes", String.valueOf(nodes));
            try {
                JsonObject ready = script.next(60);
                ready.getAsJsonArray("nodes").forEach(n -> peerIds.add(n.getAsJsonObject().get("peerId")
                        .getAsString()));
            } catch (IOException | RuntimeException e) {
                script.close();
                throw e;
            }
        }

        /** Sends a command; returns its answer, which says whether it succeeded ({@code ok}, {@code error}). */
        JsonObject send(Object... keyValues) throws IOException {
            return script.send(60, keyValues);
        }

        /** As {@link #send}, failing the test when the command failed. */
        JsonObject call(Object... keyValues) throws IOException {
            JsonObject r = send(keyValues);
            assertTrue(r.get("ok").getAsBoolean(), "js " + List.of(keyValues) + " failed: " + r.get("error"));
            return r;
        }

        @Override
        public void close() {
            script.close();
        }
    }

    /** One cell of the matrix. */
    private record Cell(String operation, String asker, String holder, boolean connectedBefore, long ms,
            boolean passed, String detail) {}

    private static List<String> strings(JsonObject o, String member) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray(member)) {
            out.add(e.isJsonObject() ? e.getAsJsonObject().get("id").getAsString() : e.getAsString());
        }
        return out;
    }

    @Test
    void ourDhtAndJsKadDhtAnswerEachOtherAlongALine() throws Exception {
        List<Cell> cells = new ArrayList<>();
        try (P2pdProcess j0 = P2pdProcess.start("-dht"); P2pdProcess j1 = P2pdProcess.start("-dht"); Js js = new Js(2)) {
            String s0 = js.peerIds.get(0);
            String s1 = js.peerIds.get(1);
            // the line J0 - S0 - J1 - S1: js dials each of its neighbours
            js.call("cmd", "dial", "node", 0, "addr", j0.dialable());
            js.call("cmd", "dial", "node", 0, "addr", j1.dialable());
            js.call("cmd", "dial", "node", 1, "addr", j1.dialable());
            // js admits a contact to its table only after pinging it: our daemons are now in js's tables
            js.call("cmd", "waitTable", "node", 0, "peer", j0.peerId(), "ms", 20_000);
            js.call("cmd", "waitTable", "node", 0, "peer", j1.peerId(), "ms", 20_000);
            js.call("cmd", "waitTable", "node", 1, "peer", j1.peerId(), "ms", 20_000);

            // ---- find peer
            boolean before = daemonConnected(js, j0, s1);
            JsonObject r = js.send("cmd", "daemon", "control", j0.control(), "op", "findPeer", "peer", s1);
            cells.add(cell("find peer", "J0 (ours)", "S1 (js)", before, r,
                    ok(r) && r.get("id").getAsString().equals(s1) && !strings(r, "addrs").isEmpty()));
            before = jsConnected(js, 1, j0.peerId());
            r = js.send("cmd", "findPeer", "node", 1, "peer", j0.peerId());
            cells.add(cell("find peer", "S1 (js)", "J0 (ours)", before, r,
                    ok(r) && strings(r, "addrs").contains(j0.addr())));

            // ---- what nobody holds: our daemon answers js's client with go's error, in time
            String nobody = org.jlibp2p.core.peer.PeerId.fromPublicKey(
                    org.jlibp2p.core.crypto.Keys.generateEd25519().publicKey()).toString();
            r = js.send("cmd", "daemon", "control", j0.control(), "op", "findPeer", "peer", nobody);
            cells.add(cell("find peer", "J0 (ours)", "nobody", false, r,
                    !ok(r) && r.get("error").getAsString().contains("routing: not found")));
            JsonObject unknown = js.call("cmd", "pkRecord");
            r = js.send("cmd", "daemon", "control", j0.control(), "op", "get", "key", unknown.get("key").getAsString());
            cells.add(cell("get /pk/", "J0 (ours)", "nobody", false, r,
                    !ok(r) && r.get("error").getAsString().contains("routing: not found")));

            // ---- /pk/ records: ours stores, js reads; js stores, ours reads (and GET_PUBLIC_KEY)
            JsonObject ours = js.call("cmd", "pkRecord");
            r = js.send("cmd", "daemon", "control", j0.control(), "op", "put", "key", ours.get("key").getAsString(),
                    "value", ours.get("value").getAsString());
            cells.add(cell("put /pk/", "J0 (ours)", "the line", false, r, ok(r)));
            r = js.send("cmd", "get", "node", 1, "key", ours.get("key").getAsString());
            cells.add(cell("get /pk/", "S1 (js)", "put by J0 (ours)", false, r,
                    ok(r) && r.get("value").getAsString().equals(ours.get("value").getAsString())));
            JsonObject theirs = js.call("cmd", "pkRecord");
            r = js.send("cmd", "put", "node", 1, "key", theirs.get("key").getAsString(), "value",
                    theirs.get("value").getAsString());
            cells.add(cell("put /pk/", "S1 (js)", "the line", false, r, ok(r)));
            r = js.send("cmd", "daemon", "control", j0.control(), "op", "get", "key", theirs.get("key").getAsString());
            cells.add(cell("get /pk/", "J0 (ours)", "put by S1 (js)", false, r,
                    ok(r) && r.get("value").getAsString().equals(theirs.get("value").getAsString())));
            r = js.send("cmd", "daemon", "control", j1.control(), "op", "publicKey", "peer",
                    theirs.get("peer").getAsString());
            cells.add(cell("get public key", "J1 (ours)", "put by S1 (js)", false, r,
                    ok(r) && r.get("value").getAsString().equals(theirs.get("value").getAsString())));

            // ---- providers
            String cidOurs = cid("provided by J0");
            String cidTheirs = cid("provided by S1");
            r = js.send("cmd", "daemon", "control", j0.control(), "op", "provide", "cid", cidOurs);
            cells.add(cell("provide", "J0 (ours)", "the line", false, r, ok(r)));
            r = js.send("cmd", "findProviders", "node", 1, "cid", cidOurs);
            cells.add(cell("find providers", "S1 (js)", "provided by J0 (ours)", false, r,
                    ok(r) && strings(r, "providers").contains(j0.peerId())));
            r = js.send("cmd", "provide", "node", 1, "cid", cidTheirs);
            cells.add(cell("provide", "S1 (js)", "the line", false, r, ok(r)));
            r = js.send("cmd", "daemon", "control", j0.control(), "op", "findProviders", "cid", cidTheirs);
            cells.add(cell("find providers", "J0 (ours)", "provided by S1 (js)", false, r,
                    ok(r) && strings(r, "providers").contains(s1)));

            // ---- closest peers
            String key = java.util.Base64.getEncoder().encodeToString("closest to this".getBytes(StandardCharsets.UTF_8));
            r = js.send("cmd", "daemon", "control", j0.control(), "op", "closest", "key", key);
            cells.add(cell("closest peers", "J0 (ours)", "S0, J1, S1", false, r,
                    ok(r) && strings(r, "peers").containsAll(List.of(s0, j1.peerId(), s1))));
            r = js.send("cmd", "closest", "node", 1, "key", key);
            cells.add(cell("closest peers", "S1 (js)", "J0, S0, J1", false, r,
                    ok(r) && strings(r, "peers").containsAll(List.of(j0.peerId(), s0, j1.peerId()))));
        } finally {
            printMatrix(cells);
        }
        for (Cell c : cells) {
            assertTrue(c.passed(), c.operation() + " asked by " + c.asker() + ": " + c.detail());
            assertTrue(c.ms() < PROMPT_MS, c.operation() + " asked by " + c.asker() + " took " + c.ms() + " ms");
        }
        assertEquals(15, cells.size());
    }

    /** A CIDv1 of raw bytes: the SHA-256 of {@code text}. */
    private static String cid(String text) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return Cid.v1(0x55, Multihash.of(0x12, digest)).toString();
    }

    private static boolean ok(JsonObject r) {
        return r.get("ok").getAsBoolean();
    }

    private static Cell cell(String op, String asker, String holder, boolean before, JsonObject r, boolean passed) {
        long ms = r.has("ms") ? r.get("ms").getAsLong() : -1;
        return new Cell(op, asker, holder, before, ms, passed, r.toString());
    }

    private static boolean daemonConnected(Js js, P2pdProcess d, String peer) throws IOException {
        return strings(js.call("cmd", "daemon", "control", d.control(), "op", "listPeers"), "peers").contains(peer);
    }

    private static boolean jsConnected(Js js, int node, String peer) throws IOException {
        return js.call("cmd", "connected", "node", node, "peer", peer).get("connected").getAsBoolean();
    }

    private static void printMatrix(List<Cell> cells) {
        StringBuilder sb = new StringBuilder("\nDHT interop matrix (J = our p2pd -dht via @libp2p/daemon-client,"
                + " S = js @libp2p/kad-dht; line J0 - S0 - J1 - S1)\n");
        sb.append(String.format("%-16s %-11s %-24s %-18s %8s  %s%n", "operation", "asked by", "answer held by",
                "connected before", "ms", "result"));
        for (Cell c : cells) {
            sb.append(String.format("%-16s %-11s %-24s %-18s %8d  %s%n", c.operation(), c.asker(), c.holder(),
                    c.operation().equals("find peer") && !c.holder().equals("nobody")
                            ? String.valueOf(c.connectedBefore()) : "-", c.ms(),
                    c.passed() ? "ok" : "FAILED"));
        }
        System.out.print(sb);
    }
}
