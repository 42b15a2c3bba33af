package org.jlibp2p.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Our daemon as {@code bin/p2pd} runs it, in a process of its own with the given flags, its control socket and libp2p
 * listener on loopback TCP ports: what it printed at start (control socket, peer id, first address).
 */
record P2pdProcess(Process process, String control, String peerId, String addr) implements AutoCloseable {
    /** Starts {@code p2pd flags...}; fails if the daemon does not print its banner within its first 100 lines. */
    static P2pdProcess start(String... flags) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.jlibp2p.node.P2pd"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-listen", "/ip4/127.0.0.1/tcp/0", "-hostAddrs", "/ip4/127.0.0.1/tcp/0"));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = p.inputReader(StandardCharsets.UTF_8);
            String control = null;
            String peerId = null;
            String addr = null;
            boolean inAddrs = false;
            for (int i = 0; i < 100 && addr == null; i++) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                if (line.startsWith("Control socket: ")) {
                    control = line.substring("Control socket: ".length());
                } else if (line.startsWith("Peer ID: ")) {
                    peerId = line.substring("Peer ID: ".length());
                } else if (line.equals("Peer Addrs:")) {
                    inAddrs = true;
                } else if (inAddrs && line.startsWith("/")) {
                    addr = line; // one is enough: the daemon listens on one loopback port
                }
            }
            if (control == null || peerId == null || addr == null) {
                throw new IOException("the daemon did not print its control socket, peer id and address");
            }
            return new P2pdProcess(p, control, peerId, addr);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The daemon's address with its {@code /p2p/} part. */
    String dialable() {
        return addr + "/p2p/" + peerId;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
