package org.jlibp2p.node.chat;

import static org.jlibp2p.node.chat.ChatProcess.cmd;
import static org.jlibp2p.node.chat.ChatProcess.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive mode in a real terminal: p2p-chat runs in a tmux pane (on a tmux server of the test's own), keys
 * are typed into it and the screen is read back with {@code capture-pane}; its peer is a --json process.
 */
@Timeout(120)
class ChatTerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path TMUX = Path.of("/usr/bin/tmux");

    private final String socket = "jlibp2p-chat-test-" + ProcessHandle.current().pid();

    @Test
    void typingInTheTerminalChatsAndListsPeers(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(TMUX), "tmux is not installed");
        try (ChatProcess bob = new ChatProcess("bob", dir, "--nick", "bob", "--room", "lobby")) {
            var ready = bob.await("ready", WAIT, e -> is(e, "ready"));
            String bobId = ready.get("peer").getAsString();
            String bobAddr = ready.getAsJsonArray("addrs").get(0).getAsString();
            Path script = dir.resolve("chat.sh");
            Files.writeString(script, "#!/bin/sh\nexec '" + ChatProcess.javaCommand() + "' -cp '"
                    + System.getProperty("java.class.path") + "' " + ChatMain.class.getName()
                    + " --nick tia --room lobby --listen /ip4/127.0.0.1/tcp/0 --bootstrap " + bobAddr
                    + " 2>" + dir.resolve("tia.err") + "\n", StandardCharsets.UTF_8);
            assertTrue(script.toFile().setExecutable(true));
            try {
                tmux("new-session", "-d", "-s", "chat", "-x", "200", "-y", "50", script.toString());
                screen("the greeting", s -> s.contains("You are tia in #lobby"));
                String tiaId = bob.await("tia's nickname", WAIT, e -> is(e, "nick", "nick", "tia"))
                        .get("peer").getAsString();
                String shortBob = bobId.substring(0, 4) + "…" + bobId.substring(bobId.length() - 6);
                screen("bob in the room, and his nickname",
                        s -> s.contains("* " + shortBob + " is in #lobby") && s.contains("* " + shortBob + " is bob"));

                type("hello from the terminal");
                bob.await("tia's message", WAIT, e -> is(e, "message", "room", "lobby", "from", tiaId,
                        "nick", "tia", "text", "hello from the terminal"));

                bob.send(cmd("cmd", "send", "room", "lobby", "text", "hi tia"));
                screen("bob's message", s -> s.contains("[#lobby] bob: hi tia"));

                type("/peers");
                // the header and the line under it are two writes: wait for both on screen
                String peers = screen("the peer list", s -> s.contains("* 1 peers in #lobby:")
                        && s.lines().anyMatch(l -> l.contains("bob") && l.contains(bobId)));
                assertTrue(peers.lines().anyMatch(l -> l.contains("bob") && l.contains(bobId)), peers);

                type("/dm bob are you there?");
                bob.await("tia's direct message", WAIT, e -> is(e, "dm", "from", tiaId, "text", "are you there?"));
                screen("the delivery", s -> s.contains("delivered"));

                type("/history");
                screen("the history", s -> s.contains("* 2 messages in #lobby"));

                type("/quit");
                screen("the session ended", s -> s.contains("[exited]") || s.isEmpty());
            } finally {
                tmuxQuietly("kill-server");
            }
            assertEquals(0, bob.quit());
        }
    }

    private void type(String line) throws IOException, InterruptedException {
        tmux("send-keys", "-t", "chat", "-l", line);
        tmux("send-keys", "-t", "chat", "Enter");
    }

    /** Waits until the pane shows what {@code p} looks for; returns the screen. */
    private String screen(String what, Predicate<String> p) throws IOException, InterruptedException {
        Instant end = Instant.now().plus(WAIT);
        String last = "";
        while (Instant.now().isBefore(end)) {
            Process capture = new ProcessBuilder(TMUX.toString(), "-L", socket, "capture-pane", "-p", "-t", "chat")
                    .redirectErrorStream(true).start();
            last = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            capture.waitFor(10, TimeUnit.SECONDS);
            if (capture.exitValue() != 0 && what.equals("the session ended")) {
                return ""; // the pane is gone with its program: the session ended
            }
            if (p.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the terminal did not show " + what + " within " + WAIT + ":\n" + last);
    }

    private void tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TMUX.toString(), "-L", socket, "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
        }
    }

    private void tmuxQuietly(String... args) {
        try {
            tmux(args);
        } catch (IOException | InterruptedException e) {
            // the server is gone already
        }
    }
}
