package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jlibp2p.testkit.NetNamespaces.ip;
import static org.jlibp2p.testkit.NetNamespaces.run;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.testkit.NetNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AutoNAT across a router, in network namespaces this test creates and removes:
 *
 * <pre>
 *   [N] 10.214.20.2 --veth-- 10.214.20.1 [R] 10.214.10.254 --veth-- [S] 10.214.10.2-.5
 *   N listens only on 10.214.30.2 (an address of its loopback interface): S has no route there
 * </pre>
 *
 * S holds three daemons with {@code -autonat} and a fourth, P, listening on the servers' segment; N, behind the router
 * (plain routing: iptables is not needed), dials out to the servers but its listen address cannot be reached from
 * them, as behind a NAT. After AutoNAT's boot delay {@code p2pctl reachability} must say PUBLIC for P and PRIVATE for
 * N. Each daemon is a child JVM under {@code ip netns exec}; the control sockets are Unix sockets in a temp dir, which
 * the namespaces share. Needs root and iproute2; skipped otherwise.
 */
@Timeout(150)
class NatNamespaceTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    /** A daemon in {@code ns}: its control socket, peer id and first address, once it printed them (within 30 s). */
    private DaemonProcesses.Ready daemon(String ns, String name, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), P2pd.class.getName(),
                "-listen", "/unix" + dir.resolve(name + ".sock")));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".err").toFile()).start();
        processes.add(p);
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(30), () -> lines.size() >= 4),
                name + " did not start: " + lines + " " + Files.readString(dir.resolve(name + ".err")));
        assertTrue(lines.get(0).startsWith("Control socket: ") && lines.get(1).startsWith("Peer ID: "), lines.toString());
        return new DaemonProcesses.Ready(Multiaddr.parse(lines.get(0).substring("Control socket: ".length())),
                PeerId.parse(lines.get(1).substring("Peer ID: ".length())), List.of(Multiaddr.parse(lines.get(3))));
    }

    private static String p2pctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        P2pctl.run(args, InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aNodeOnTheServersSegmentIsPublicAndOneBehindTheRouterIsPrivate() throws Exception {
        assumeTrue(NetNamespaces.usable(), "needs root and iproute2");
        String sfx = NetNamespaces.suffix();
        String n = "jl-nat-n-" + sfx;
        String r = "jl-nat-r-" + sfx;
        String s = "jl-nat-s-" + sfx;
        try {
            for (String ns : List.of(n, r, s)) {
                ip("netns", "add", ns);
                ip("-n", ns, "link", "set", "lo", "up");
            }
            ip("link", "add", "jnn" + sfx, "type", "veth", "peer", "name", "jnr" + sfx);
            ip("link", "add", "jrs" + sfx, "type", "veth", "peer", "name", "jss" + sfx);
            ip("link", "set", "jnn" + sfx, "netns", n);
            ip("link", "set", "jnr" + sfx, "netns", r);
            ip("link", "set", "jrs" + sfx, "netns", r);
            ip("link", "set", "jss" + sfx, "netns", s);
            ip("-n", n, "addr", "add", "10.214.20.2/24", "dev", "jnn" + sfx);
            ip("-n", r, "addr", "add", "10.214.20.1/24", "dev", "jnr" + sfx);
            ip("-n", r, "addr", "add", "10.214.10.254/24", "dev", "jrs" + sfx);
            for (int i = 1; i <= 5; i++) {
                ip("-n", s, "addr", "add", "10.214.10." + i + "/24", "dev", "jss" + sfx);
            }
            for (String[] up : new String[][] {{n, "jnn"}, {r, "jnr"}, {r, "jrs"}, {s, "jss"}}) {
                ip("-n", up[0], "link", "set", up[1] + sfx, "up");
            }
            ip("-n", n, "addr", "add", "10.214.30.2/32", "dev", "lo");
            ip("-n", n, "route", "add", "default", "via", "10.214.20.1");
            ip("-n", s, "route", "add", "10.214.20.0/24", "via", "10.214.10.254");
            run("ip", "netns", "exec", r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");

            List<DaemonProcesses.Ready> servers = new ArrayList<>();
            for (int i = 2; i <= 4; i++) {
                servers.add(daemon(s, "s" + i, "-hostAddrs", "/ip4/10.214.10." + i + "/tcp/4001", "-autonat"));
            }
            DaemonProcesses.Ready pub = daemon(s, "p", "-hostAddrs", "/ip4/10.214.10.5/tcp/4001");
            DaemonProcesses.Ready priv = daemon(n, "n", "-hostAddrs", "/ip4/10.214.30.2/tcp/4001");
            for (DaemonProcesses.Ready server : servers) {
                String target = server.addrs().get(0).withPeerId(server.peer().multihash()).toString();
                for (DaemonProcesses.Ready client : List.of(pub, priv)) {
                    String out = p2pctl("-control", client.control().toString(), "connect", target);
                    assertTrue(out.isEmpty() || !out.contains("rror"), out);
                }
            }
            String[] pubSays = {""};
            String[] privSays = {""};
            assertTrue(DaemonFixture.eventually(Duration.ofSeconds(60), () -> {
                pubSays[0] = p2pctl("-control", pub.control().toString(), "reachability");
                privSays[0] = p2pctl("-control", priv.control().toString(), "reachability");
                return pubSays[0].startsWith("Reachability: PUBLIC") && privSays[0].startsWith("Reachability: PRIVATE");
            }), "P: " + pubSays[0] + "\nN: " + privSays[0] + "\n" + Files.readString(dir.resolve("n.err")));
            assertTrue(pubSays[0].startsWith("Reachability: PUBLIC (reached at /ip4/10.214.10.5/tcp/4001)"),
                    pubSays[0]);
            System.out.println("P: " + pubSays[0] + "N: " + privSays[0]);
        } finally {
            for (Process p : processes) {
                p.destroy();
                if (!p.waitFor(8, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            NetNamespaces.delete(List.of(n, r, s));
        }
    }
}
