package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.node.DaemonFixture.Control;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every p2pctl command against two in-process daemons. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class P2pctlTest {
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    @TempDir
    Path dir;

    private P2pd.Daemon a;
    private P2pd.Daemon b;

    @BeforeEach
    void start() throws Exception {
        a = DaemonFixture.start(Control.UNIX, dir, "a");
        b = DaemonFixture.start(Control.TCP, dir, "b");
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    /** The outcome of one p2pctl run. */
    record Run(int status, String out, String err) {}

    /** A PrintStream whose text can be read while the command runs. */
    static final class Capture extends ByteArrayOutputStream {
        final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    private static Run run(InputStream stdin, String... args) {
        Capture out = new Capture();
        Capture err = new Capture();
        int status = P2pctl.run(args, stdin, out.stream, err.stream);
        return new Run(status, out.text(), err.text());
    }

    private static Run run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    private String ctl(P2pd.Daemon d) {
        return d.control().address().toString();
    }

    private String bAddr() {
        return b.swarm().listenAddresses().getFirst().withPeerId(b.swarm().localPeer().multihash()).toString();
    }

    @Test
    void identifyConnectPeersDisconnect() {
        Run id = run("-control", ctl(a), "identify");
        assertEquals(0, id.status(), id.err());
        assertTrue(id.out().startsWith("Peer ID: " + a.swarm().localPeer() + "\nPeer Addrs:\n"
                + a.swarm().listenAddresses().getFirst()), id.out());

        Run c = run("-control", ctl(a), "connect", bAddr());
        assertEquals(0, c.status(), c.err());
        assertEquals("connected to " + b.swarm().localPeer() + "\n", c.out());

        Run peers = run("-control", ctl(a), "peers");
        assertEquals(b.swarm().localPeer() + " " + b.swarm().listenAddresses().getFirst() + "\n", peers.out());

        Run d = run("-control", ctl(a), "disconnect", b.swarm().localPeer().toString());
        assertEquals(0, d.status(), d.err());
        assertEquals("", run("-control", ctl(a), "peers").out());
    }

    @Test
    void streamPipesStdinAndStdoutToTheEchoProtocol() {
        assertEquals(0, run("-control", ctl(a), "connect", bAddr()).status());
        Run s = run(new ByteArrayInputStream("hello, echo\n".getBytes()), "-control", ctl(a), "stream",
                b.swarm().localPeer().toString(), "/echo/1.0.0");
        assertEquals(0, s.status(), s.err());
        assertEquals("hello, echo\n", s.out());

        Run none = run("-control", ctl(a), "stream", b.swarm().localPeer().toString(), "/nobody/1.0.0");
        assertEquals(1, none.status());
        assertTrue(none.err().startsWith("p2pctl: daemon: "), none.err());
    }

    @Test
    void handleServesAStreamOpenedByTheOtherDaemon() throws Exception {
        Capture hout = new Capture();
        Capture herr = new Capture();
        CompletableFuture<Integer> handler = CompletableFuture.supplyAsync(() -> P2pctl.run(
                new String[] {"-control", ctl(b), "handle", "-n", "1", "/chat/1.0.0"},
                new ByteArrayInputStream("from the handler".getBytes()), hout.stream, herr.stream), THREADS);
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(10), () -> herr.text().contains("handling")),
                herr.text());
        assertEquals(0, run("-control", ctl(a), "connect", bAddr()).status());
        // the opener's stdin is slow: the handler half-closes first, and the opener must still send everything
        InputStream slow = new java.io.SequenceInputStream(new InputStream() {
            private boolean waited;

            @Override
            public int read() throws java.io.IOException {
                if (!waited) {
                    waited = true;
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                return -1;
            }
        }, new ByteArrayInputStream("from the opener".getBytes()));
        Run s = run(slow, "-control", ctl(a), "stream", b.swarm().localPeer().toString(), "/chat/1.0.0");
        assertEquals(0, s.status(), s.err());
        assertEquals("from the handler", s.out());
        assertEquals(0, handler.get(10, TimeUnit.SECONDS));
        assertEquals("from the opener", hout.text());
        assertTrue(herr.text().contains("stream from " + a.swarm().localPeer() + " on /chat/1.0.0"), herr.text());
    }

    @Test
    void usageAndErrorsAreClear() {
        Run none = run();
        assertEquals(2, none.status());
        assertTrue(none.err().contains("no command") && none.err().contains("usage: p2pctl"), none.err());
        Run unknown = run("-control", ctl(a), "frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown command \"frobnicate\""), unknown.err());
        Run noPeer = run("-control", ctl(a), "connect", "/ip4/127.0.0.1/tcp/1");
        assertEquals(2, noPeer.status());
        assertTrue(noPeer.err().contains("no /p2p/<peer> part"), noPeer.err());
        Run badPeer = run("-control", ctl(a), "disconnect", "nonsense");
        assertEquals(2, badPeer.status());
        assertTrue(badPeer.err().contains("bad peer id nonsense"), badPeer.err());
        Run missing = run("-control", ctl(a), "stream", b.swarm().localPeer().toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("usage: p2pctl stream <peer> <protocol>"), missing.err());
        Run down = run("-control", "/unix" + dir.resolve("nobody.sock"), "identify");
        assertEquals(1, down.status());
        assertTrue(down.err().contains("is p2pd running there?"), down.err());
        Run badControl = run("-control", "/dns4/example.com/tcp/1", "identify");
        assertEquals(2, badControl.status());
        assertTrue(badControl.err().contains("-control:"), badControl.err());
    }

    /** Runs p2pctl until {@code done} holds for its outcome, or 5 s (identify reaches the daemon asynchronously). */
    private static Run runUntil(Predicate<Run> done, String... args) throws Exception {
        Run[] last = new Run[1];
        DaemonFixture.eventually(Duration.ofSeconds(5), () -> done.test(last[0] = run(args)));
        return last[0];
    }

    @Test
    void protocolsAndPeerinfoShowWhatTheDaemonLearnedOfAPeer() throws Exception {
        assertEquals(0, run("-control", ctl(a), "connect", bAddr()).status());
        String peerB = b.swarm().localPeer().toString();
        Run protocols = runUntil(r -> r.out().lines().toList().contains("/ipfs/ping/1.0.0"),
                "-control", ctl(a), "protocols", peerB);
        assertEquals(0, protocols.status(), protocols.err());
        List<String> lines = protocols.out().lines().toList();
        assertTrue(lines.containsAll(List.of("/ipfs/ping/1.0.0", "/ipfs/id/1.0.0", "/echo/1.0.0")), lines.toString());
        assertEquals(lines.stream().sorted().toList(), lines);

        Run info = run("-control", ctl(a), "peerinfo", peerB);
        assertEquals(0, info.status(), info.err());
        assertTrue(info.out().startsWith("Peer ID: " + peerB + "\nPeer Addrs:\n"), info.out());
        assertTrue(info.out().lines().toList().contains(b.swarm().listenAddresses().getFirst().toString()),
                info.out());

        // a peer the daemon never met: nothing known, which is not an error
        String stranger = PeerId.fromPublicKey(Keys.generateEd25519().publicKey()).toString();
        Run none = run("-control", ctl(a), "protocols", stranger);
        assertEquals(0, none.status(), none.err());
        assertEquals("", none.out());
        assertEquals("Peer ID: " + stranger + "\nPeer Addrs:\n", run("-control", ctl(a), "peerinfo", stranger).out());

        Run bad = run("-control", ctl(a), "peerinfo", "nonsense");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("bad peer id nonsense"), bad.err());
        Run missing = run("-control", ctl(a), "protocols");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("usage: p2pctl protocols <peer>"), missing.err());
    }

    @Test
    void resourcesShowsWhatConnectionsHoldAgainstTheLimitsAndTheRefusals() throws Exception {
        assertEquals("refused: nothing", run("-control", ctl(a), "resources").out().lines().toList().getLast());
        assertEquals(0, run("-control", ctl(a), "connect", bAddr()).status());
        // a client that speaks no libp2p: its handshake fails, which a's operator sees counted
        var target = org.jlibp2p.core.multiaddr.SocketAddresses.toInetSocketAddress(
                a.swarm().listenAddresses().getFirst()).orElseThrow();
        try (java.net.Socket junk = new java.net.Socket(target.getAddress(), target.getPort())) {
            junk.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            junk.shutdownOutput();
            junk.getInputStream().readAllBytes();
        }
        Run text = runUntil(r -> r.out().contains("refused (handshake failed): 1"), "-control", ctl(a), "resources");
        List<String> lines = text.out().lines().toList();
        assertTrue(lines.getFirst().startsWith("scope"), text.out());
        assertTrue(lines.get(1).startsWith("system ") && lines.get(1).contains(" 1/"), text.out());
        assertTrue(lines.get(2).startsWith("transient "), text.out());
        String peerB = "peer:" + b.swarm().localPeer();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(peerB + " ")), text.out());

        JsonObject j = json(run("-control", ctl(a), "-json", "resources"));
        JsonArray scopes = j.getAsJsonArray("scopes");
        JsonObject system = scopes.get(0).getAsJsonObject();
        assertEquals("system", system.get("scope").getAsString());
        assertEquals(1, system.get("connsOutbound").getAsLong());
        assertEquals(a.swarm().resources().limits().system().connectionsOutbound(),
                system.getAsJsonObject("limit").get("connsOutbound").getAsLong());
        boolean sawB = false;
        for (var e : scopes) {
            if (e.getAsJsonObject().get("scope").getAsString().equals(peerB)) {
                sawB = e.getAsJsonObject().get("connsOutbound").getAsLong() == 1;
            }
        }
        assertTrue(sawB, j.toString());
        assertEquals(1, j.getAsJsonObject("refusals").get("handshake failed").getAsLong());
    }

    private static JsonObject json(Run r) {
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().lines().count(), "one JSON object on one line: " + r.out());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    @Test
    void jsonOutputCarriesTheSameFacts() throws Exception {
        List<String> addrsA = a.swarm().listenAddresses().stream().map(Object::toString).toList();
        // the flag before the command, with one dash or two, and right after it
        for (String[] args : List.of(new String[] {"-control", ctl(a), "-json", "identify"},
                new String[] {"--json", "-control", ctl(a), "identify"},
                new String[] {"-control", ctl(a), "identify", "--json"})) {
            JsonObject id = json(run(args));
            assertEquals(a.swarm().localPeer().toString(), id.get("id").getAsString());
            assertEquals(addrsA, strings(id.getAsJsonArray("addrs")));
        }

        assertEquals(0, json(run("-control", ctl(a), "-json", "peers")).getAsJsonArray("peers").size());
        assertEquals(0, run("-control", ctl(a), "connect", bAddr()).status());
        JsonArray peers = json(run("-control", ctl(a), "-json", "peers")).getAsJsonArray("peers");
        assertEquals(1, peers.size(), peers.toString());
        JsonObject peer = peers.get(0).getAsJsonObject();
        assertEquals(b.swarm().localPeer().toString(), peer.get("id").getAsString());
        assertEquals(List.of(b.swarm().listenAddresses().getFirst().toString()),
                strings(peer.getAsJsonArray("addrs")));

        String peerB = b.swarm().localPeer().toString();
        Run protocols = runUntil(r -> r.out().contains("/ipfs/ping/1.0.0"),
                "-control", ctl(a), "-json", "protocols", peerB);
        JsonObject p = json(protocols);
        assertEquals(peerB, p.get("id").getAsString());
        assertTrue(strings(p.getAsJsonArray("protocols")).containsAll(List.of("/ipfs/ping/1.0.0", "/echo/1.0.0")),
                p.toString());

        JsonObject info = json(run("-control", ctl(a), "peerinfo", "-json", peerB));
        assertEquals(peerB, info.get("id").getAsString());
        assertTrue(strings(info.getAsJsonArray("addrs")).contains(b.swarm().listenAddresses().getFirst().toString()),
                info.toString());
    }

    @Test
    void jsonStringsAreEscaped() throws Exception {
        // a protocol id with quotes, a backslash, control characters and characters outside ASCII, served by b
        String odd = "/odd/\"quoted\" back\\slash\ttab\u0001 \u00e9\u2713\ud83d\ude00/1.0.0";
        b.swarm().setStreamHandler(odd, stream -> { });
        assertEquals(0, run("-control", ctl(a), "connect", bAddr()).status());
        Run r = runUntil(x -> x.out().contains("odd"), "-control", ctl(a), "-json", "protocols",
                b.swarm().localPeer().toString());
        assertTrue(r.out().chars().allMatch(c -> c >= 0x20 && c < 0x7F || c == '\n'), r.out());
        assertTrue(strings(json(r).getAsJsonArray("protocols")).contains(odd), r.out());
    }

    @Test
    void jsonIsAGoFlagAndDocumented() {
        Run help = run("-h");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("-json") && help.out().contains("protocols <peer>")
                && help.out().contains("peerinfo <peer>"), help.out());
        Run bad = run("-control", ctl(a), "-json=maybe", "identify");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("-json"), bad.err());
        // as with Go's flag package, flags end at the first argument; p2pctl says so
        Run late = run("-control", ctl(a), "peerinfo", b.swarm().localPeer().toString(), "--json");
        assertEquals(2, late.status());
        assertTrue(late.err().contains("flags go before the arguments: p2pctl -json peerinfo <peer>"), late.err());
    }
}
