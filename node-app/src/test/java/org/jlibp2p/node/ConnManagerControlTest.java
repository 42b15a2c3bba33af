package org.jlibp2p.node;

import static org.jlibp2p.node.DaemonFixture.bytes;
import static org.jlibp2p.node.DaemonFixture.call;
import static org.jlibp2p.node.DaemonFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.connmgr.ConnManager;
import org.jlibp2p.core.connmgr.ConnManagerConfig;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.node.DaemonFixture.Control;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CONNMANAGER requests and the connection manager flags, through the real control socket. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ConnManagerControlTest {
    @TempDir
    Path dir;

    private final List<P2pd.Daemon> daemons = new ArrayList<>();

    private P2pd.Daemon daemon(Control kind, String name, String... extra) throws Exception {
        P2pd.Daemon d = DaemonFixture.start(kind, dir, name, extra);
        daemons.add(d);
        return d;
    }

    @AfterEach
    void stop() {
        daemons.forEach(P2pd.Daemon::close);
    }

    private static void connect(P2pd.Daemon from, P2pd.Daemon to) throws Exception {
        from.swarm().dial(to.swarm().listenAddresses().getFirst().withPeerId(to.swarm().localPeer().multihash()));
    }

    private static Request connManager(P2pdProtos.ConnManagerRequest.Builder cm) {
        return Request.newBuilder().setType(Request.Type.CONNMANAGER).setConnManager(cm).build();
    }

    private static P2pdProtos.ConnManagerRequest.Builder tag(PeerId peer, String tag, long weight) {
        return P2pdProtos.ConnManagerRequest.newBuilder().setType(P2pdProtos.ConnManagerRequest.Type.TAG_PEER)
                .setPeer(bytes(peer.bytes())).setTag(tag).setWeight(weight);
    }

    private static P2pdProtos.ConnManagerRequest.Builder untag(PeerId peer, String tag) {
        return P2pdProtos.ConnManagerRequest.newBuilder().setType(P2pdProtos.ConnManagerRequest.Type.UNTAG_PEER)
                .setPeer(bytes(peer.bytes())).setTag(tag);
    }

    private static P2pdProtos.ConnManagerRequest.Builder trim() {
        return P2pdProtos.ConnManagerRequest.newBuilder().setType(P2pdProtos.ConnManagerRequest.Type.TRIM);
    }

    private static void assertOk(Response r) {
        assertEquals(Response.Type.OK, r.getType(), r.toString());
    }

    /** Waits until the daemon's connection manager has taken in {@code n} connections. */
    private static void awaitCounted(P2pd.Daemon d, int n) throws InterruptedException {
        assertTrue(eventually(Duration.ofSeconds(10), () -> {
            try {
                return manager(d).connectionCount() == n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }), "the connection manager counts " + n + " connections");
    }

    private static ConnManager manager(P2pd.Daemon d) {
        return d.swarm().behaviour(ConnManager.class).orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void tagUntagAndTrimReachTheConnectionManager(Control kind) throws Exception {
        P2pd.Daemon hub = daemon(kind, "hub", "-connManager", "-connLo", "1", "-connHi", "10", "-connGrace", "0s");
        P2pd.Daemon heavy = daemon(kind, "heavy");
        P2pd.Daemon light = daemon(kind, "light");
        connect(hub, heavy);
        connect(hub, light);
        awaitCounted(hub, 2);
        PeerId heavyId = heavy.swarm().localPeer();
        PeerId lightId = light.swarm().localPeer();
        var ctl = hub.control().address();
        assertOk(call(ctl, connManager(tag(heavyId, "app", 10))));
        assertOk(call(ctl, connManager(tag(lightId, "app", 20))));
        assertOk(call(ctl, connManager(tag(lightId, "other", 1))));
        assertOk(call(ctl, connManager(untag(lightId, "app"))));
        assertEquals(Map.of("app", 10), manager(hub).peerInfo(heavyId).orElseThrow().tags());
        assertEquals(Map.of("other", 1), manager(hub).peerInfo(lightId).orElseThrow().tags());
        assertOk(call(ctl, connManager(trim())));
        assertTrue(eventually(Duration.ofSeconds(10), () -> !hub.swarm().isConnected(lightId)),
                "the lighter peer is trimmed");
        assertTrue(hub.swarm().isConnected(heavyId));
        assertOk(call(ctl, connManager(trim())));
        assertTrue(hub.swarm().isConnected(heavyId), "one connection is the low water mark");
    }

    @ParameterizedTest
    @EnumSource(Control.class)
    void requestsWithoutATagOrAPeerAreAnsweredWithAnErrorAndTheConnectionCarriesOn(Control kind) throws Exception {
        P2pd.Daemon hub = daemon(kind, "hub", "-connManager");
        PeerId peer = daemon(kind, "other").swarm().localPeer();
        try (ChannelDuplex conn = new ChannelDuplex(ControlClient.connect(ControlSocket.socketAddress(
                hub.control().address())))) {
            for (Request bad : List.of(connManager(tag(peer, "", 1)), connManager(untag(peer, "")),
                    connManager(tag(peer, "t", 1).clearPeer()),
                    connManager(tag(peer, "t", 1L << 40)))) {
                LengthPrefixed.write(conn.output(), bad.toByteArray());
                Response r = Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
                assertEquals(Response.Type.ERROR, r.getType(), bad.toString());
            }
            LengthPrefixed.write(conn.output(), connManager(tag(peer, "t", 3)).toByteArray());
            assertOk(Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE)));
        }
        assertEquals(3, manager(hub).peerInfo(peer).orElseThrow().value(), "tagged while not connected");
    }

    @Test
    void withoutTheConnectionManagerTheRequestsAreAnsweredOkAndChangeNothing() throws Exception {
        P2pd.Daemon plain = daemon(Control.UNIX, "plain");
        P2pd.Daemon other = daemon(Control.UNIX, "other");
        connect(plain, other);
        assertTrue(plain.swarm().behaviour(ConnManager.class).isEmpty());
        var ctl = plain.control().address();
        assertOk(call(ctl, connManager(tag(other.swarm().localPeer(), "app", 1))));
        assertOk(call(ctl, connManager(untag(other.swarm().localPeer(), "app"))));
        assertOk(call(ctl, connManager(trim())));
        assertTrue(plain.swarm().isConnected(other.swarm().localPeer()));
    }

    @Test
    void theFlagsSetTheWaterMarksAndTheGracePeriod() throws Exception {
        P2pd.Daemon d = daemon(Control.UNIX, "d", "-connManager", "-connLo", "3", "-connHi", "7", "-connGrace", "2m");
        assertEquals(new ConnManagerConfig(3, 7, Duration.ofMinutes(2), ConnManagerConfig.DEFAULT_SILENCE_PERIOD),
                manager(d).config());
        P2pd.Daemon defaults = daemon(Control.UNIX, "e", "-connManager");
        assertEquals(new ConnManagerConfig(256, 512, Duration.ofSeconds(120),
                ConnManagerConfig.DEFAULT_SILENCE_PERIOD), manager(defaults).config());
        for (String[] bad : List.of(new String[] {"-connLo", "8", "-connHi", "7"},
                new String[] {"-connLo", "-1"}, new String[] {"-connHi", "0", "-connLo", "0"})) {
            List<String> args = new ArrayList<>(List.of("-listen", "/unix" + dir.resolve("bad.sock"),
                    "-noListenAddrs", "-connManager"));
            args.addAll(List.of(bad));
            GoFlags f = P2pd.flags().parse(args.toArray(String[]::new));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> P2pd.start(f,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().startsWith("-conn"), e.getMessage());
        }
        assertFalse(dir.resolve("bad.sock").toFile().exists(), "refused before the control socket is bound");
    }

    @Test
    void p2pctlTagsUntagsAndTrims() throws Exception {
        P2pd.Daemon hub = daemon(Control.UNIX, "hub", "-connManager", "-connLo", "0", "-connHi", "10",
                "-connGrace", "0s");
        P2pd.Daemon other = daemon(Control.UNIX, "other");
        connect(hub, other);
        awaitCounted(hub, 1);
        PeerId peer = other.swarm().localPeer();
        String ctl = hub.control().address().toString();
        P2pctlTest.Run tagged = run("-control", ctl, "tag", peer.toString(), "app", "42");
        assertEquals(0, tagged.status(), tagged.err());
        assertEquals("tagged " + peer + " app=42\n", tagged.out());
        assertEquals(42, manager(hub).peerInfo(peer).orElseThrow().value());
        assertEquals(0, run("-control", ctl, "untag", peer.toString(), "app").status());
        assertTrue(manager(hub).peerInfo(peer).orElseThrow().tags().isEmpty());
        assertEquals(2, run("-control", ctl, "tag", peer.toString(), "app", "many").status());
        assertEquals(2, run("-control", ctl, "tag", peer.toString(), "app").status());
        assertEquals(2, run("-control", ctl, "trim", "now").status());
        P2pctlTest.Run trimmed = run("-control", ctl, "trim");
        assertEquals(0, trimmed.status(), trimmed.err());
        assertTrue(eventually(Duration.ofSeconds(10), () -> !hub.swarm().isConnected(peer)),
                "a low water mark of 0 trims every connection past its grace period");
    }

    private static P2pctlTest.Run run(String... args) {
        P2pctlTest.Capture out = new P2pctlTest.Capture();
        P2pctlTest.Capture err = new P2pctlTest.Capture();
        int status = P2pctl.run(args, InputStream.nullInputStream(), out.stream, err.stream);
        return new P2pctlTest.Run(status, out.text(), err.text());
    }
}
