package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.node.DaemonFixture.Control;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daemons on loopback: three run the AutoNAT service ({@code -autonat}), a fourth connects to them and, after
 * AutoNAT's boot delay (15 s), {@code p2pctl reachability} says it is PUBLIC, reached at its listen address.
 */
@Timeout(90)
class NatControlTest {
    @TempDir
    Path dir;

    private final List<P2pd.Daemon> daemons = new ArrayList<>();

    @AfterEach
    void stop() {
        daemons.forEach(P2pd.Daemon::close);
    }

    private P2pd.Daemon start(String name, String... extra) throws Exception {
        P2pd.Daemon d = DaemonFixture.start(Control.UNIX, dir, name, extra);
        daemons.add(d);
        return d;
    }

    private static String[] p2pctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = P2pctl.run(args, InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void aDaemonThatAutonatServersCanDialIsPublicAndP2pctlSaysSo() throws Exception {
        P2pd.Daemon client = start("client");
        String ctl = client.control().address().toString();
        String[] before = p2pctl("-control", ctl, "reachability");
        assertEquals("0", before[0], before[2]);
        assertTrue(before[1].startsWith("Reachability: UNKNOWN\nAutoNAT server: off\nListen Addrs:\n"), before[1]);

        for (int i = 0; i < 3; i++) {
            P2pd.Daemon s = start("s" + i, "-autonat");
            client.swarm().dial(s.swarm().localPeer(), s.swarm().listenAddresses());
        }
        String[] server = p2pctl("-control", daemons.get(1).control().address().toString(), "-json", "reachability");
        assertTrue(server[1].contains("\"autonatServer\":true"), server[1]);

        String listen = client.swarm().listenAddresses().getFirst().toString();
        String[] last = new String[3];
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(60), () -> {
            String[] r = p2pctl("-control", ctl, "reachability");
            System.arraycopy(r, 0, last, 0, 3);
            return r[1].startsWith("Reachability: PUBLIC (reached at " + listen + ")");
        }), "reachability: " + last[1] + last[2]);
        String[] json = p2pctl("-control", ctl, "-json", "reachability");
        assertTrue(json[1].startsWith("{\"reachability\":\"PUBLIC\",\"reachableAddr\":\"" + listen + "\","), json[1]);
    }

    @Test
    void aDaemonServingAutonatStopsWithoutAWarning() throws Exception {
        // The service dials back from a swarm of its own, closed when the node stops: a swarm's close is refused
        // on a behaviour's thread, and a refusal there is logged as a behaviour that failed to stop.
        java.util.logging.Logger behaviours = java.util.logging.Logger.getLogger(
                "org.jlibp2p.core.swarm.BehaviourLoop");
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        behaviours.addHandler(capture);
        try {
            P2pd.Daemon server = start("server", "-autonat");
            server.close();
            assertTrue(warnings.isEmpty(), () -> warnings.stream()
                    .map(r -> r.getMessage() + ": " + r.getThrown()).toList().toString());
        } finally {
            behaviours.removeHandler(capture);
        }
    }

    @Test
    void mdnsIsOnOnlyWithItsFlag() throws Exception {
        P2pd.Daemon plain = start("plain");
        P2pd.Daemon lan = start("lan", "-mdns");
        assertTrue(plain.swarm().behaviour(org.jlibp2p.mdns.MdnsBehaviour.class).isEmpty());
        assertTrue(lan.swarm().behaviour(org.jlibp2p.mdns.MdnsBehaviour.class).isPresent());
    }
}
