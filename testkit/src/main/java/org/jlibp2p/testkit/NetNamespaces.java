package org.jlibp2p.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Linux network namespaces for tests that need real network segments (NATs, LAN multicast): whether this machine can
 * make them, running {@code ip} and other tools with a bound on their time, and removing namespaces again. Tests name
 * their namespaces with {@link #suffix()} so that runs never collide, and remove them in a {@code finally}.
 */
public final class NetNamespaces {
    private static final long COMMAND_SECONDS = 15;

    private NetNamespaces() {}

    /** Whether namespaces can be made here: running as root, with iproute2's {@code ip} installed. */
    public static boolean usable() {
        return "root".equals(System.getProperty("user.name")) && installed("ip");
    }

    /** Whether {@code tool} is on one of the usual system paths. */
    public static boolean installed(String tool) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Six hex digits to end namespace and interface names with (interface names allow 15 characters). */
    public static String suffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    }

    /**
     * Runs {@code command} (within 15 s) and returns its output.
     *
     * @throws IOException naming the command and its output, if it fails or runs too long
     */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + COMMAND_SECONDS + " s: " + String.join(" ", command));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Runs {@code ip args...}. */
    public static String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /**
     * Makes namespaces {@code nsA} and {@code nsB} and joins them by a veth pair ({@code vethA} in A, {@code vethB} in
     * B) as one Ethernet segment, with {@code addrA} and {@code addrB} (CIDR) on the two ends and loopback up in both.
     * IPv4 addresses get a route for multicast (224.0.0.0/4) on the link; IPv6 ones skip duplicate address detection,
     * so they are usable at once.
     */
    public static void lan(String nsA, String vethA, String addrA, String nsB, String vethB, String addrB)
            throws IOException, InterruptedException {
        ip("netns", "add", nsA);
        ip("netns", "add", nsB);
        ip("link", "add", vethA, "type", "veth", "peer", "name", vethB);
        ip("link", "set", vethA, "netns", nsA);
        ip("link", "set", vethB, "netns", nsB);
        String[][] sides = {{nsA, vethA, addrA}, {nsB, vethB, addrB}};
        for (String[] side : sides) {
            boolean v6 = side[2].contains(":");
            if (v6) {
                ip("-n", side[0], "-6", "addr", "add", side[2], "dev", side[1], "nodad");
            } else {
                ip("-n", side[0], "addr", "add", side[2], "dev", side[1]);
            }
            ip("-n", side[0], "link", "set", "lo", "up");
            ip("-n", side[0], "link", "set", side[1], "up");
            if (!v6) {
                ip("-n", side[0], "route", "add", "224.0.0.0/4", "dev", side[1]);
            }
        }
    }

    /** The command prefix that runs a program inside {@code namespace}. */
    public static List<String> exec(String namespace) {
        return List.of("ip", "netns", "exec", namespace);
    }

    /** Removes each of {@code namespaces} that exists (with the interfaces inside), ignoring those that do not. */
    public static void delete(List<String> namespaces) throws InterruptedException {
        for (String ns : namespaces) {
            try {
                ip("netns", "del", ns);
            } catch (IOException e) {
                // never made, or gone already
            }
        }
    }
}
