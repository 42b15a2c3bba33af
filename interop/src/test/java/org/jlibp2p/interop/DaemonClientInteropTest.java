package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our daemon ({@code org.jlibp2p.node.P2pd}, as {@code bin/p2pd} runs it) driven by {@code @libp2p/daemon-client}
 * from npm: identify, connect, list peers, open a stream to a js peer, register a handler and receive a stream from
 * a js peer, moving 1 MiB each way; once with each ChaCha20-Poly1305 implementation.
 */
@Timeout(120)
class DaemonClientInteropTest {
    /**
     * Once with each ChaCha20-Poly1305 implementation Noise may pick, asked for by the daemon's system property
     * whatever this CPU would favour; the daemon's log says which one its sessions used.
     */
    @ParameterizedTest(name = "Noise with the ChaCha20-Poly1305 of {0}")
    @ValueSource(strings = {"jdk", "conscrypt"})
    void jsDaemonClientDrivesOurDaemon(String cipher, @TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("p2pd.err");
        Process daemon = new ProcessBuilder(java, "-Djlibp2p.noise.cipher=" + cipher,
                "-cp", System.getProperty("java.class.path"),
                "org.jlibp2p.node.P2pd", "-listen", "/ip4/127.0.0.1/tcp/0", "-hostAddrs", "/ip4/127.0.0.1/tcp/0")
                .redirectError(log.toFile()).start();
        try {
            BufferedReader out = daemon.inputReader(StandardCharsets.UTF_8);
            String control = null;
            String peerId = null;
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("Control socket: ")) {
                    control = line.substring("Control socket: ".length());
                } else if (line.startsWith("Peer ID: ")) {
                    peerId = line.substring("Peer ID: ".length());
                } else if (line.equals("Peer Addrs:")) {
                    break;
                }
            }
            assertTrue(control != null && peerId != null, "daemon did not print its control socket and peer id");

            Process client = new ProcessBuilder(JsPeer.node().toString(), "daemon-client.mjs", control)
                    .directory(JsPeer.jsDir().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Map<String, JsonObject> steps = new HashMap<>();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = client.inputReader(StandardCharsets.UTF_8)) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                    JsonObject o = new Gson().fromJson(l, JsonObject.class);
                    if (o.has("step")) {
                        steps.put(o.get("step").getAsString(), o);
                    }
                }
            }
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "daemon client did not finish");
            assertEquals(0, client.exitValue(), "daemon client failed: " + lines + "\ndaemon: " + Files.readString(log));

            assertEquals(peerId, steps.get("identify").get("peerId").getAsString());
            assertTrue(steps.get("identify").getAsJsonArray("addrs").size() > 0);
            String jsPeer = steps.get("connect").get("peer").getAsString();
            assertTrue(steps.get("listPeers").get("includesJsPeer").getAsBoolean(), lines.toString());
            assertEquals("hello through the daemon", steps.get("openStream").get("echoed").getAsString());
            assertEquals("ping from js", steps.get("inboundStream").get("handlerReceived").getAsString());
            assertEquals("reply to ping from js", steps.get("inboundStream").get("peerReceived").getAsString());
            // 1 MiB of random bytes each way through the daemon's stream pipes, compared by SHA-256 at both ends.
            var echo = steps.get("openStream");
            assertEquals(1 << 20, echo.get("echoedBytes").getAsInt(), "bytes echoed back through the daemon");
            assertEquals(echo.get("sentSha256").getAsString(), echo.get("echoedSha256").getAsString());
            var in = steps.get("inboundStream");
            assertEquals(1 << 20, in.get("handlerReceivedBytes").getAsInt(), "bytes the client's handler received");
            assertEquals(in.get("uploadSha256").getAsString(), in.get("handlerReceivedSha256").getAsString());
            assertEquals(1 << 20, in.get("peerReceivedBytes").getAsInt(), "bytes the dialling peer received");
            assertEquals(in.get("answerSha256").getAsString(), in.get("peerReceivedSha256").getAsString());
            assertTrue(jsPeer.startsWith("12D3KooW"), jsPeer);
            String implementation = cipher.equals("jdk") ? "JDK" : "Conscrypt (BoringSSL)";
            String err = Files.readString(log);
            assertTrue(err.contains("Noise uses the ChaCha20-Poly1305 of " + implementation + " ("),
                    "the daemon's log does not name " + implementation + ":\n" + err);
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }
}
