package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
}
