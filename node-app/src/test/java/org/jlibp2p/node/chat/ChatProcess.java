package org.jlibp2p.node.chat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A p2p-chat process in --json mode, started with the test's class path: its events collected, commands sent. */
final class ChatProcess implements AutoCloseable {
    final String name;
    final Process process;
    final List<JsonObject> events = new CopyOnWriteArrayList<>();
    private final OutputStream stdin;
    private final Thread reader;

    ChatProcess(String name, Path dir, String... args) throws IOException {
        this(List.of(), name, dir, args);
    }

    /** A chat process started behind {@code prefix} (e.g. {@code ip netns exec NS}). */
    ChatProcess(List<String> prefix, String name, Path dir, String... args) throws IOException {
        this.name = name;
        List<String> cmd = new ArrayList<>(prefix);
        // English log lines (levels, dates) whatever the machine's locale: tests read them
        cmd.addAll(List.of(javaCommand(), "-Duser.language=en", "-Duser.country=US",
                "-cp", System.getProperty("java.class.path"),
                ChatMain.class.getName(), "--json", "--listen", "/ip4/127.0.0.1/tcp/0"));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".err").toFile()).start();
        stdin = process.getOutputStream();
        reader = Thread.ofVirtual().name("chat-test-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    events.add(JsonParser.parseString(line).getAsJsonObject());
                }
            } catch (IOException | RuntimeException e) {
                // the process ended
            }
        });
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    void send(JsonObject command) throws IOException {
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    static JsonObject cmd(String... namesAndValues) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            o.addProperty(namesAndValues[i], namesAndValues[i + 1]);
        }
        return o;
    }

    List<JsonObject> events(String event) {
        return events.stream().filter(e -> e.get("event").getAsString().equals(event)).toList();
    }

    /** Waits (at most {@code timeout}) for an event matching {@code p}; fails naming {@code what}. */
    JsonObject await(String what, Duration timeout, Predicate<JsonObject> p) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            for (JsonObject e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            if (!process.isAlive() && !reader.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + ": no " + what + " within " + timeout + "; saw " + events);
    }

    static boolean is(JsonObject e, String event, String... namesAndValues) {
        if (!e.get("event").getAsString().equals(event)) {
            return false;
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!e.has(namesAndValues[i]) || !e.get(namesAndValues[i]).getAsString().equals(namesAndValues[i + 1])) {
                return false;
            }
        }
        return true;
    }

    /** Asks the process to quit, and waits for it; returns its exit code. */
    int quit() throws IOException, InterruptedException {
        send(cmd("cmd", "quit"));
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not exit after quit");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
