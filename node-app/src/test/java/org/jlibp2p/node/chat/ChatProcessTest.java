package org.jlibp2p.node.chat;

import static org.jlibp2p.node.chat.ChatProcess.cmd;
import static org.jlibp2p.node.chat.ChatProcess.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three p2p-chat processes on loopback, driven through --json: ann starts alone; bob and cat know only ann and find
 * each other through the room's provider record in the DHT.
 */
@Timeout(180)
class ChatProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void threeProcessesChatInARoomAndOneSendsADirectMessage(@TempDir Path dir) throws Exception {
        try (ChatProcess ann = new ChatProcess("ann", dir, "--nick", "ann", "--room", "lobby")) {
            JsonObject ready = ann.await("ready", WAIT, e -> is(e, "ready"));
            String annId = ready.get("peer").getAsString();
            String annAddr = ready.getAsJsonArray("addrs").get(0).getAsString();
            try (ChatProcess bob = new ChatProcess("bob", dir, "--nick", "bob", "--room", "lobby",
                            "--bootstrap", annAddr);
                    ChatProcess cat = new ChatProcess("cat", dir, "--nick", "cat", "--room", "lobby",
                            "--bootstrap", annAddr)) {
                List<ChatProcess> all = List.of(ann, bob, cat);
                String bobId = bob.await("ready", WAIT, e -> is(e, "ready")).get("peer").getAsString();
                String catId = cat.await("ready", WAIT, e -> is(e, "ready")).get("peer").getAsString();

                // everyone learns everyone's nickname from the room's presence messages: the paths work
                for (ChatProcess p : all) {
                    for (String[] other : new String[][] {{annId, "ann"}, {bobId, "bob"}, {catId, "cat"}}) {
                        if (!other[1].equals(p.name)) {
                            p.await(other[1] + "'s nickname", WAIT, e -> is(e, "nick", "peer", other[0],
                                    "nick", other[1]));
                            p.await(other[1] + " in the room", WAIT, e -> is(e, "peer-joined", "room", "lobby",
                                    "peer", other[0]));
                        }
                    }
                }
                // bob and cat were told only of ann: they found each other through the DHT
                bob.send(cmd("cmd", "peers"));
                bob.await("cat among bob's connected peers", WAIT, e -> is(e, "peers")
                        && e.getAsJsonArray("peers").toString().contains(catId));

                ann.send(cmd("cmd", "send", "room", "lobby", "text", "hello from ann"));
                bob.send(cmd("cmd", "send", "room", "lobby", "text", "hi from bob"));
                for (ChatProcess p : List.of(bob, cat)) {
                    p.await("ann's message", WAIT, e -> is(e, "message", "room", "lobby", "from", annId,
                            "nick", "ann", "text", "hello from ann"));
                }
                for (ChatProcess p : List.of(ann, cat)) {
                    p.await("bob's message", WAIT, e -> is(e, "message", "room", "lobby", "from", bobId,
                            "nick", "bob", "text", "hi from bob"));
                }

                cat.send(cmd("cmd", "dm", "to", "ann", "text", "psst, ann", "id", "dm-1"));
                cat.await("dm-1 delivered", WAIT, e -> is(e, "delivered", "id", "dm-1", "to", annId));
                ann.await("cat's direct message", WAIT, e -> is(e, "dm", "id", "dm-1", "from", catId,
                        "nick", "cat", "text", "psst, ann"));
                String stranger = PeerId.fromPublicKey(Keys.generateEd25519().publicKey()).toString();
                cat.send(cmd("cmd", "dm", "to", stranger, "text", "anyone?", "id", "dm-2"));
                cat.await("dm-2 failed", WAIT, e -> is(e, "failed", "id", "dm-2", "to", stranger));

                // a marker sent last, after which nothing is in flight: then count
                ann.send(cmd("cmd", "send", "room", "lobby", "text", "the end"));
                for (ChatProcess p : List.of(bob, cat)) {
                    p.await("the end", WAIT, e -> is(e, "message", "text", "the end"));
                }
                Thread.sleep(1_000);
                for (ChatProcess p : all) {
                    for (String text : List.of("hello from ann", "hi from bob")) {
                        long n = p.events("message").stream().filter(e -> e.get("text").getAsString().equals(text))
                                .count();
                        boolean own = (text.startsWith("hello") && p == ann) || (text.startsWith("hi") && p == bob);
                        assertEquals(own ? 0 : 1, n, p.name + " got \"" + text + "\" " + n + " times");
                    }
                }
                assertEquals(1, ann.events("dm").size());
                assertEquals(1, cat.events("delivered").size());

                bob.send(cmd("cmd", "history", "room", "lobby"));
                JsonObject history = bob.await("history", WAIT, e -> is(e, "history"));
                List<String> texts = history.getAsJsonArray("messages").asList().stream()
                        .map(JsonElement::getAsJsonObject).map(m -> m.get("text").getAsString()).toList();
                assertEquals(List.of("hello from ann", "hi from bob", "the end"), texts.stream().sorted().toList(),
                        "bob's history of the room, his own message included");

                assertEquals(0, cat.quit(), "cat's exit code");
                for (ChatProcess p : List.of(ann, bob)) {
                    p.await("cat gone", WAIT, e -> is(e, "peer-left", "room", "lobby", "peer", catId, "nick", "cat"));
                }
                assertEquals(0, bob.quit(), "bob's exit code");
                assertEquals(0, ann.quit(), "ann's exit code");
            }
        }
    }

    /**
     * Two chats listening on every interface (so each has a loopback address and, on most machines, another) meet
     * through a third: neither log holds a refused connection or any warning. Each used to dial the other at all of
     * its addresses at once and drop the losers half way through their handshakes, which the other logged as
     * {@code refused (handshake failed) ... Connection reset}.
     */
    @Test
    void twoChatsMeetWithoutARefusalInTheirLogs(@TempDir Path dir) throws Exception {
        try (ChatProcess hub = new ChatProcess("hub", dir, "--nick", "hub")) {
            String hubAddr = hub.await("ready", WAIT, e -> is(e, "ready")).getAsJsonArray("addrs").get(0)
                    .getAsString();
            try (ChatProcess ann = new ChatProcess("ann", dir, "--nick", "ann", "--room", "meet",
                            "--listen", "/ip4/0.0.0.0/tcp/0", "--bootstrap", hubAddr);
                    ChatProcess bob = new ChatProcess("bob", dir, "--nick", "bob", "--room", "meet",
                            "--listen", "/ip4/0.0.0.0/tcp/0", "--bootstrap", hubAddr)) {
                JsonObject annReady = ann.await("ready", WAIT, e -> is(e, "ready"));
                String annId = annReady.get("peer").getAsString();
                String bobId = bob.await("ready", WAIT, e -> is(e, "ready")).get("peer").getAsString();
                System.out.println("ann listens at " + annReady.getAsJsonArray("addrs"));
                ann.await("bob in the room", WAIT, e -> is(e, "peer-joined", "room", "meet", "peer", bobId));
                bob.await("ann in the room", WAIT, e -> is(e, "peer-joined", "room", "meet", "peer", annId));
                // a round trip after they met, so that whatever their meeting made either log say is said
                ann.send(cmd("cmd", "dm", "to", bobId, "text", "found you", "id", "m1"));
                ann.await("m1 delivered", WAIT, e -> is(e, "delivered", "id", "m1"));
                assertEquals(0, ann.quit());
                assertEquals(0, bob.quit());
            }
            assertEquals(0, hub.quit());
        }
        for (String name : List.of("hub", "ann", "bob")) {
            List<String> bad = logRecords(dir.resolve(name + ".err")).stream()
                    .filter(r -> r.startsWith("WARNING:") || r.startsWith("SEVERE:") || r.contains("refused ("))
                    .toList();
            assertEquals(List.of(), bad, name + "'s log");
        }
    }

    /** The records a process logged through java.util.logging: each the line after a "date time class method" one. */
    private static List<String> logRecords(Path stderr) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(stderr);
        java.util.regex.Pattern header = java.util.regex.Pattern.compile(
                "^[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M \\S+ \\S+$");
        List<String> records = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (header.matcher(lines.get(i)).matches()) {
                records.add(lines.get(i + 1));
            }
        }
        assertTrue(!records.isEmpty(), "the log's records are recognised: " + lines);
        return records;
    }

    @Test
    void badInputGetsAnErrorAndTheProcessCarriesOn(@TempDir Path dir) throws Exception {
        try (ChatProcess p = new ChatProcess("solo", dir, "--nick", "solo")) {
            p.await("ready", WAIT, e -> is(e, "ready"));
            p.send(cmd("cmd", "send", "room", "nowhere", "text", "hi"));
            p.await("not in room", WAIT, e -> is(e, "error") && e.get("message").getAsString().contains("not in room"));
            p.send(cmd("cmd", "dm", "to", "nobody-by-that-name", "text", "hi"));
            p.await("unknown nick", WAIT, e -> is(e, "error", "message", "no peer known as nobody-by-that-name"));
            p.send(cmd("cmd", "send", "room", "lobby", "text", "x".repeat(ChatCodec.MAX_TEXT + 1)));
            p.await("text too long", WAIT, e -> is(e, "error") && e.get("message").getAsString().contains("at most"));
            p.send(cmd("cmd", "join", "room", "lobby"));
            p.await("joined", WAIT, e -> is(e, "joined", "room", "lobby"));
            p.send(cmd("cmd", "rooms"));
            JsonObject rooms = p.await("rooms", WAIT, e -> is(e, "rooms"));
            assertEquals("[\"lobby\"]", rooms.getAsJsonArray("joined").toString());
            assertTrue(p.process.isAlive());
            assertEquals(0, p.quit());
        }
    }
}
