package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/** Real p2pd processes for tests: started with the test's class path, their stderr in files, all ended at close. */
final class DaemonProcesses implements AutoCloseable {
    private final Path dir;
    private final List<Process> started = new ArrayList<>();

    DaemonProcesses(Path dir) {
        this.dir = dir;
    }

    /** What a daemon printed once ready. */
    record Ready(Multiaddr control, PeerId peer, List<Multiaddr> addrs) {}

    /** Starts p2pd with {@code flags} in a JVM of {@code heap} (e.g. "128m"); its stderr goes to NAME.err. */
    Process launch(String name, String heap, String... flags) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx" + heap,
                "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), P2pd.class.getName()));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".err").toFile()).start();
        started.add(p);
        return p;
    }

    Path stderr(String name) {
        return dir.resolve(name + ".err");
    }

    /** Reads the start-up lines: Control socket, Peer ID, Peer Addrs and the first address. */
    static Ready awaitReady(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String control = r.readLine();
        String id = r.readLine();
        String header = r.readLine();
        if (control == null || id == null || !"Peer Addrs:".equals(header)) {
            throw new IOException("unexpected start-up output: " + control + " / " + id + " / " + header);
        }
        assertTrue(control.startsWith("Control socket: "), control);
        assertTrue(id.startsWith("Peer ID: "), id);
        List<Multiaddr> addrs = new ArrayList<>();
        String line = r.readLine();
        if (line != null) {
            addrs.add(Multiaddr.parse(line));   // with -hostAddrs on 127.0.0.1: exactly one address
        }
        return new Ready(Multiaddr.parse(control.substring("Control socket: ".length())),
                PeerId.parse(id.substring("Peer ID: ".length())), addrs);
    }

    /** Ends what is still running, forcibly. */
    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
