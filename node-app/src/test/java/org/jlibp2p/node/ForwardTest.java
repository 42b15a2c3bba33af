package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.time.Duration;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.node.DaemonFixture.Control;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream forwarding between two in-process daemons, driven through p2pctl: a TCP service exposed on A under a
 * protocol, a local port of B forwarded to it, and plain TCP clients on B's port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private P2pd.Daemon a;
    private P2pd.Daemon b;
    private EchoServer echo;

    @BeforeEach
    void start() throws Exception {
        a = DaemonFixture.start(Control.UNIX, dir, "a");
        b = DaemonFixture.start(Control.UNIX, dir, "b");
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws IOException {
        a.close();
        b.close();
        echo.close();
    }

    /** What a connection to the echo server saw once the client's side ended. */
    record Seen(long bytes, byte[] sha256) {}

    /**
     * Echoes every byte back, digesting what it receives; a connection whose first byte is {@code Q} is closed at
     * once by the server instead. Reports each connection's outcome when it ends.
     */
    static final class EchoServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final BlockingQueue<Seen> ended = new LinkedBlockingQueue<>();
        final Thread acceptor = Thread.ofVirtual().start(this::acceptLoop);

        EchoServer() throws IOException {}

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                MessageDigest md = sha256();
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[32 * 1024];
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (total == 0 && n > 0 && buf[0] == 'Q') {
                        ended.add(new Seen(-1, new byte[0]));
                        return; // closes the socket
                    }
                    md.update(buf, 0, n);
                    total += n;
                    out.write(buf, 0, n);
                }
                s.shutdownOutput();
                ended.add(new Seen(total, md.digest()));
            } catch (IOException e) {
                ended.add(new Seen(-2, new byte[0]));
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs p2pctl against {@code daemon}; fails unless it exits with {@code status}; returns its stdout. */
    private static String p2pctl(P2pd.Daemon daemon, int status, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "-control";
        full[1] = daemon.control().address().toString();
        System.arraycopy(args, 0, full, 2, args.length);
        int got = P2pctl.run(full, InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(status, got, () -> "p2pctl " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8)
                + out.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private String aAddress() {
        return a.addresses().getFirst() + "/p2p/" + a.swarm().localPeer();
    }

    /** Forwards a port of B to A's {@code protocol}; returns the local port B listens on. */
    private int forward(String protocol) throws Exception {
        String line = p2pctl(b, 0, "forward", protocol, "127.0.0.1:0", aAddress()).trim();
        String[] f = line.split(" ");
        assertEquals(protocol, f[0], line);
        assertEquals("/p2p/" + a.swarm().localPeer(), f[2], line);
        return Integer.parseInt(Multiaddr.parse(f[1]).toString().replaceAll(".*/tcp/", ""));
    }

    @Test
    void mebibytesCrossBothWaysIntactAndClosesPropagate() throws Exception {
        String listed = p2pctl(a, 0, "listen", "/x/echo", "127.0.0.1:" + echo.port());
        assertEquals("/x/echo /p2p/" + a.swarm().localPeer() + " /ip4/127.0.0.1/tcp/" + echo.port() + " 0",
                listed.trim());
        int port = forward("/x/echo");

        // 4 MiB each way, at once: the client writes while it reads the echo
        byte[] data = new byte[4 * MIB];
        new Random(42).nextBytes(data);
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = c.getOutputStream();
                    for (int off = 0; off < data.length; off += 100_000) {
                        out.write(data, off, Math.min(100_000, data.length - off));
                    }
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = c.getInputStream().readNBytes(data.length + 1);
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(data.length, back.length, "echoed bytes, then end of stream");
            assertArrayEquals(sha256().digest(data), sha256().digest(back), "the echo crossed intact");
            Seen seen = echo.ended.poll(10, TimeUnit.SECONDS);
            assertEquals(data.length, seen.bytes(), "the service received every byte, then the client's end");
            assertArrayEquals(sha256().digest(data), seen.sha256(), "the service received the bytes intact");
        }

        // the forwarding is listed on both sides while a connection is open
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), c.getInputStream().readNBytes(4));
            assertTrue(p2pctl(b, 0, "forward", "--list").contains("/x/echo /ip4/127.0.0.1/tcp/" + port + " /p2p/"
                    + a.swarm().localPeer() + " 1"));
            assertTrue(p2pctl(a, 0, "forward", "--list").contains("/x/echo /p2p/" + a.swarm().localPeer()
                    + " /ip4/127.0.0.1/tcp/" + echo.port() + " 1"));
            // the client closes: the service sees the end
        }
        Seen closedByClient = echo.ended.poll(10, TimeUnit.SECONDS);
        assertEquals(4, closedByClient.bytes(), "the service saw the client's close");

        // the service closes: the client sees the end
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write('Q');
            assertEquals(-1, c.getInputStream().read(), "the client saw the service's close");
        }
        assertEquals(-1, echo.ended.poll(10, TimeUnit.SECONDS).bytes());

        // the same list as JSON
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
                p2pctl(b, 0, "-json", "forward", "--list")).getAsJsonObject();
        com.google.gson.JsonObject only = json.getAsJsonArray("forwardings").get(0).getAsJsonObject();
        assertEquals("/x/echo", only.get("protocol").getAsString());
        assertEquals("/ip4/127.0.0.1/tcp/" + port, only.get("listen").getAsString());
        assertEquals("/p2p/" + a.swarm().localPeer(), only.get("target").getAsString());

        // closing the forwarding frees its port
        assertEquals("closed 1", p2pctl(b, 0, "forward", "--close", "-p", "/x/echo").trim());
        assertTrue(DaemonFixture.eventually(Duration.ofSeconds(3), () -> {
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                return false;
            } catch (ConnectException refused) {
                return true;
            } catch (IOException other) {
                return false;
            }
        }), "nothing listens on the forwarded port any more");
        assertEquals("", p2pctl(b, 0, "forward", "--list").trim());
    }

    @Test
    void aProtocolNotExposedIsRefused() throws Exception {
        int port = forward("/x/nothing-here");
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            int r;
            try {
                r = c.getInputStream().read();
            } catch (IOException reset) {
                r = -1;
            }
            assertEquals(-1, r, "the connection is closed without an answer");
        }
        assertTrue(echo.ended.isEmpty());

        // only /x/ protocols, and none the node already serves
        assertTrue(p2pctl(a, 1, "listen", "/ipfs/kad/1.0.0", "127.0.0.1:" + echo.port()).contains("/x/"));
        assertTrue(p2pctl(b, 1, "forward", "/echo/1.0.0", "127.0.0.1:0", aAddress()).contains("/x/"));
        p2pctl(a, 0, "listen", "/x/once", "127.0.0.1:" + echo.port());
        assertTrue(p2pctl(a, 1, "listen", "/x/once", "127.0.0.1:" + echo.port()).contains("exists already"));
        // a target that is not a TCP address
        assertTrue(p2pctl(a, 1, "listen", "/x/udp", "/ip4/127.0.0.1/udp/5").contains("TCP address"));
    }

    @Test
    void closingAForwardingEndsItsConnections() throws Exception {
        p2pctl(a, 0, "listen", "/x/echo", "127.0.0.1:" + echo.port());
        int port = forward("/x/echo");
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hi", new String(c.getInputStream().readNBytes(2), StandardCharsets.US_ASCII));
            assertEquals("closed 1", p2pctl(a, 0, "forward", "--close", "--all").trim());
            int r;
            try {
                r = c.getInputStream().read();
            } catch (IOException reset) {
                r = -1;
            }
            assertEquals(-1, r, "the open connection ended with its forwarding");
        }
    }
}
