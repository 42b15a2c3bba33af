package org.jlibp2p.interop;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js script of interop/js in a child process, driven by JSON lines: each command one line on its stdin, each
 * answer one line on its stdout (its stderr goes to the test's). The first line it prints says it is ready.
 */
final class JsScript implements AutoCloseable {
    private static final Gson GSON = new Gson();

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(64);

    private JsScript(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = process.outputWriter(StandardCharsets.UTF_8);
        BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
        Thread.ofVirtual().name(name + "-stdout").start(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.put(line);
                }
            } catch (IOException | InterruptedException ignored) {
                // the process ended
            }
        });
    }

    /** Starts {@code script} (a file of interop/js) with {@code args}. */
    static JsScript start(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JsPeer.node().toString(), script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(JsPeer.jsDir().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new JsScript(script, p);
    }

    /** The next line the script prints, as JSON, waiting at most {@code seconds}. */
    JsonObject next(int seconds) throws IOException {
        try {
            String line = lines.poll(seconds, TimeUnit.SECONDS);
            if (line == null) {
                throw new IOException(name + " said nothing for " + seconds + " s (alive: " + process.isAlive()
                        + ")");
            }
            return GSON.fromJson(line, JsonObject.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Sends a command made of key-value pairs (numbers stay numbers, anything else becomes a string) and returns the
     * answer as it is; whether it says {@code ok} is for the caller to judge.
     */
    JsonObject send(int seconds, Object... keyValues) throws IOException {
        JsonObject cmd = new JsonObject();
        for (int i = 0; i < keyValues.length; i += 2) {
            String key = (String) keyValues[i];
            Object v = keyValues[i + 1];
            if (v instanceof Number n) {
                cmd.addProperty(key, n);
            } else {
                cmd.addProperty(key, String.valueOf(v));
            }
        }
        stdin.write(GSON.toJson(cmd) + "\n");
        stdin.flush();
        return next(seconds);
    }

    /** Ends the script by closing its stdin; kills it if it has not ended within 10 s. */
    @Override
    public void close() {
        try {
            stdin.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
