package org.jlibp2p.relay.dcutr;

import static org.jlibp2p.testkit.NetNamespaces.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.testkit.NetNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Hole punching through two NATs, in Linux network namespaces this test creates and removes: a public segment
 * (10.213.0.0/24, a bridge) with the relay at 10.213.0.1, and two private segments (10.213.1.0/24 and
 * 10.213.2.0/24), each behind a router namespace that masquerades onto the public segment and drops unsolicited
 * inbound connections, as home routers do. With Linux's port-preserving masquerading the mapping is
 * endpoint-independent: A and B each reserve on the relay, A dials B through it, and DCUtR must give them a direct
 * TCP connection across both NATs that carries more than the relay would. With {@code --random-fully} the routers
 * map every connection to a new port (a symmetric NAT): the punch must fail and the relayed connection go on.
 * Each node is a JVM of its own, started with {@code ip netns exec}. Needs root, {@code ip} and {@code iptables}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class NatTraversalTest {
    private static final int ROUNDS = Integer.getInteger("nat.rounds", 3);

    private final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
    private final String pub = "jl-pub-" + tag;
    private final String ra = "jl-ra-" + tag;
    private final String rb = "jl-rb-" + tag;
    private final String ha = "jl-a-" + tag;
    private final String hb = "jl-b-" + tag;
    private final List<Child> children = new ArrayList<>();
    private boolean ready;
    private Child relay;
    private Child a;
    private Child b;
    private String relayAddr;

    /** A child JVM, its input, and its output lines. */
    private static final class Child {
        final Process process;
        final Writer in;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Path log;

        Child(Process p, Path log) {
            this.process = p;
            this.in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            this.log = log;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the child ended
                }
            });
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        /** The next line starting with {@code prefix}; fails on an error line or after {@code seconds}. */
        String expect(String prefix, int seconds) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long left = end - System.nanoTime();
                String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new AssertionError("no '" + prefix + "' within " + seconds + " s; log:\n" + tail());
                }
                if (l.startsWith(prefix)) {
                    return l;
                }
                if (l.startsWith("error")) {
                    throw new AssertionError(l + "\nlog:\n" + tail());
                }
            }
        }

        String tail() throws IOException {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        }
    }

    private void ns(String ns, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        run(c.toArray(String[]::new));
    }

    /** A router namespace between the public bridge and a private segment with one host. */
    private void router(String router, String host, String wanIp, int lanNet) throws Exception {
        String lanIp = "10.213." + lanNet + ".1";
        String hostIp = "10.213." + lanNet + ".2";
        String port = "v" + router.substring(3, 5) + "-" + tag; // the bridge port, in the public namespace
        run("ip", "-n", router, "link", "add", "wan", "type", "veth", "peer", "name", port, "netns", pub);
        run("ip", "-n", pub, "link", "set", port, "master", "br0", "up");
        run("ip", "-n", router, "addr", "add", wanIp + "/24", "dev", "wan");
        run("ip", "-n", router, "link", "set", "wan", "up");
        run("ip", "-n", router, "link", "add", "lan", "type", "veth", "peer", "name", "eth0", "netns", host);
        run("ip", "-n", router, "addr", "add", lanIp + "/24", "dev", "lan");
        run("ip", "-n", router, "link", "set", "lan", "up");
        run("ip", "-n", router, "link", "set", "lo", "up");
        run("ip", "-n", host, "addr", "add", hostIp + "/24", "dev", "eth0");
        run("ip", "-n", host, "link", "set", "eth0", "up");
        run("ip", "-n", host, "link", "set", "lo", "up");
        run("ip", "-n", host, "route", "add", "default", "via", lanIp);
        ns(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // Unsolicited connections from outside are dropped, not refused, as a home router does.
        ns(router, "iptables", "-A", "INPUT", "-i", "wan", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP");
        ns(router, "iptables", "-A", "FORWARD", "-i", "wan", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP");
        masquerade(router, false);
    }

    private void masquerade(String router, boolean symmetric) throws Exception {
        ns(router, "iptables", "-t", "nat", "-F", "POSTROUTING");
        List<String> rule = new ArrayList<>(List.of("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "wan", "-j",
                "MASQUERADE"));
        if (symmetric) {
            rule.add("--random-fully");
        }
        ns(router, rule.toArray(String[]::new));
        ns(router, "sh", "-c", "command -v conntrack >/dev/null && conntrack -F >/dev/null 2>&1; true");
    }

    private Child start(String ns, String... args) throws Exception {
        Path log = Files.createTempFile("nat-" + ns + "-", ".log");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), NatNode.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        Child c = new Child(p, log);
        children.add(c);
        return c;
    }

    @BeforeAll
    void buildTheNetwork() throws Exception {
        assumeTrue(NetNamespaces.installed("ip") && NetNamespaces.installed("iptables"), "needs ip and iptables");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String n : List.of(pub, ra, rb, ha, hb)) {
            run("ip", "netns", "add", n);
        }
        ready = true;
        run("ip", "-n", pub, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", pub, "addr", "add", "10.213.0.1/24", "dev", "br0");
        run("ip", "-n", pub, "link", "set", "br0", "up");
        run("ip", "-n", pub, "link", "set", "lo", "up");
        router(ra, ha, "10.213.0.2", 1);
        router(rb, hb, "10.213.0.3", 2);
        relay = start(pub, "relay", "/ip4/10.213.0.1/tcp/0");
        a = start(ha, "peer", "/ip4/10.213.1.2/tcp/0");
        b = start(hb, "peer", "/ip4/10.213.2.2/tcp/0");
        relayAddr = relay.expect("addr ", 60).substring(5);
    }

    @AfterAll
    void tearDown() throws Exception {
        for (Child c : children) {
            try {
                c.send("quit");
                c.in.close();
            } catch (IOException e) {
                // gone already
            }
        }
        for (Child c : children) {
            if (!c.process.waitFor(5, TimeUnit.SECONDS)) {
                c.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(c.log);
        }
        if (ready) {
            NetNamespaces.delete(List.of(hb, ha, rb, ra, pub));
        }
    }

    /** One round with fresh nodes: returns A's punch line. */
    private String round() throws Exception {
        a.send("start " + relayAddr);
        b.send("start " + relayAddr);
        a.expect("reserved ", 40);
        String bAddr = b.expect("reserved ", 40).substring(9);
        a.send("punch " + bAddr);
        return a.expect("punch ", 90);
    }

    @Test
    void holePunchingThroughTwoEndpointIndependentNatsGivesADirectConnection() throws Exception {
        int ok = 0;
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            String punch = round();
            String echo = a.expect("echo ", 30);
            if (punch.startsWith("punch ok")) {
                ok++;
                String[] f = punch.split(" ");
                times.add(Long.parseLong(f[2]));
                assertTrue(f[5].startsWith("/ip4/10.213.0."), "the direct connection runs to a router's public"
                        + " address: " + punch);
                assertEquals("echo direct ok", echo, "200 KiB over the direct connection, past the relay's limit");
            }
            System.out.println("NAT round " + (i + 1) + ": " + punch + " | " + echo);
        }
        System.out.println("hole punching through two NATs: " + ok + "/" + ROUNDS + " succeeded; time to the"
                + " direct connection (ms): " + times);
        assertTrue(ok >= Math.max(1, ROUNDS - 1), ok + " of " + ROUNDS + " punches succeeded");
    }

    @Test
    void behindSymmetricNatsThePunchFailsAndTheRelayedConnectionGoesOn() throws Exception {
        masquerade(ra, true);
        masquerade(rb, true);
        try {
            String punch = round();
            String echo = a.expect("echo ", 30);
            System.out.println("symmetric NAT: " + punch + " | " + echo);
            assertTrue(punch.startsWith("punch fail"), punch);
            assertEquals("echo relayed ok", echo);
        } finally {
            masquerade(ra, false);
            masquerade(rb, false);
        }
    }
}
