package org.jlibp2p.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jlibp2p.testkit.NetNamespaces.ip;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.testkit.NetNamespaces;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two nodes on one Ethernet segment (two network namespaces joined by a veth pair, created and removed here) find each
 * other by mDNS and connect, given no address at all: over IPv4 (10.214.77.0/24) and over IPv6 alone (fd00:214:77::/64,
 * no IPv4 address, so only ff02::fb can carry the queries). A JVM thread cannot enter a namespace, so each
 * node is a child JVM ({@link MdnsNode}) started with {@code ip netns exec}. Needs root and iproute2; skipped
 * otherwise.
 */
@Timeout(90)
class MdnsNamespaceTest {
    private record Node(Process process, List<String> lines) {
        String peer() {
            return lines.stream().filter(l -> l.startsWith("PEER ")).map(l -> l.substring(5)).findFirst().orElse("");
        }
    }

    private static Node start(String ns, String listen) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), MdnsNode.class.getName(), "40", listen)
                .redirectErrorStream(true).start();
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
        return new Node(p, lines);
    }

    private static boolean await(java.util.function.BooleanSupplier c, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return c.getAsBoolean();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipv4", "ipv6"})
    void twoNodesOnOneLanFindEachOtherAndConnectWithoutAnyAddressGiven(String family) throws Exception {
        boolean v6 = family.equals("ipv6");
        assumeTrue(NetNamespaces.usable(), "needs root and iproute2");
        String sfx = NetNamespaces.suffix();
        String nsA = "jl-mdns-a-" + sfx;
        String nsB = "jl-mdns-b-" + sfx;
        String vethA = "jma" + sfx;
        String vethB = "jmb" + sfx;
        Node a = null;
        Node b = null;
        try {
            // IPv4 with a multicast route; or IPv6 only (ULA addresses, no IPv4 at all), so that only ff02::fb can work.
            if (v6) {
                NetNamespaces.lan(nsA, vethA, "fd00:214:77::1/64", nsB, vethB, "fd00:214:77::2/64");
            } else {
                NetNamespaces.lan(nsA, vethA, "10.214.77.1/24", nsB, vethB, "10.214.77.2/24");
            }
            String listen = v6 ? "/ip6/::/tcp/0" : "/ip4/0.0.0.0/tcp/0";
            String prefixA = v6 ? "/ip6/fd00:214:77::1/tcp/" : "/ip4/10.214.77.1/tcp/";
            String prefixB = v6 ? "/ip6/fd00:214:77::2/tcp/" : "/ip4/10.214.77.2/tcp/";
            a = start(nsA, listen);
            b = start(nsB, listen);
            Node na = a;
            Node nb = b;
            assertTrue(await(() -> !na.peer().isEmpty() && !nb.peer().isEmpty(), 30_000),
                    "both nodes start: " + na.lines() + " " + nb.lines());
            String idA = na.peer();
            String idB = nb.peer();
            assertTrue(await(() -> na.lines().stream().anyMatch(l -> l.startsWith("FOUND " + idB)
                            && l.contains(prefixB))
                    && nb.lines().stream().anyMatch(l -> l.startsWith("FOUND " + idA)
                            && l.contains(prefixA)), 30_000),
                    "each finds the other at its LAN address: " + na.lines() + " " + nb.lines());
            assertTrue(await(() -> na.lines().contains("CONNECTED " + idB) && nb.lines().contains("CONNECTED " + idA),
                    10_000), "and they connect: " + na.lines() + " " + nb.lines());
            assertTrue(na.lines().stream().noneMatch(l -> l.startsWith("FOUND " + idA)), "a node never finds itself");
            Thread.sleep(MdnsBehaviour.DIAL_BACKOFF.toMillis() + 1000);
            assertEquals(1, na.lines().stream().filter(l -> l.equals("CONNECTED " + idB)).count(),
                    "one connection, not one from each side: " + na.lines());
            assertEquals(1, nb.lines().stream().filter(l -> l.equals("CONNECTED " + idA)).count(), nb.lines().toString());
            System.out.println("mDNS in namespaces (" + family + "): " + na.lines() + " / " + nb.lines());
        } finally {
            for (Node n : new Node[] {a, b}) {
                if (n != null) {
                    n.process().destroy();
                    if (!n.process().waitFor(5, TimeUnit.SECONDS)) {
                        n.process().destroyForcibly();
                    }
                }
            }
            NetNamespaces.delete(List.of(nsA, nsB));
        }
    }
}
