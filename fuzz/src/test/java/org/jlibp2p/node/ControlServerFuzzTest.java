package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon's control server fed the input as everything one client sends on one control connection (then the
 * client half-closes). The node runs over the in-memory transport only, so CONNECT and STREAM_OPEN requests reach no
 * real network. Every run checks that what comes back is a sequence of well-formed responses, that the server closes
 * the connection, that no request failed with an untyped exception inside the server, that the server still
 * answers IDENTIFY on a new connection, and that the shared budget requests are read against (what bounds the
 * server's memory) is whole again. Allocation is not measured: the server's threads are its own, and a JVM-wide count
 * charges it the fuzzer's bytes too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlServerFuzzTest {
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final List<String> UNTYPED = new CopyOnWriteArrayList<>();
    private static final Swarm NODE = TestNodes.memory(new MemoryTransport.Network(), TestStack.PLAINTEXT_YAMUX);
    private static final ControlServer SERVER;
    private static final ExecutorService CLIENTS = Executors.newVirtualThreadPerTaskExecutor();

    static {
        // The server swallows what fails a connection and logs it; an untyped failure there is a finding.
        Logger log = Logger.getLogger(ControlServer.class.getName());
        log.setLevel(Level.FINE);
        log.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = r.getMessage();
                if (m != null && m.startsWith("control connection failed: ") && !typed(m)) {
                    UNTYPED.add(m);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        try {
            Path dir = Files.createTempDirectory("fuzz-control");
            SERVER = ControlServer.start(NODE, Multiaddr.parse("/unix" + dir.resolve("p2pd.sock")), WITHIN,
                    java.util.Optional.empty());
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether the exception named at the start of a "control connection failed: " message is an IOException. */
    private static boolean typed(String message) {
        String rest = message.substring("control connection failed: ".length());
        int colon = rest.indexOf(':');
        String name = colon < 0 ? rest : rest.substring(0, colon);
        try {
            return IOException.class.isAssignableFrom(Class.forName(name.trim()));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @FuzzTest
    void requests(byte[] input) throws Exception {
        int responses = exchange(input);
        assertTrue(responses <= input.length + 1, responses + " responses to " + input.length + " bytes");
        assertTrue(UNTYPED.isEmpty(), "a control connection failed with an untyped exception: " + UNTYPED);

        Request identify = Request.newBuilder().setType(Request.Type.IDENTIFY).build();
        assertEquals(1, exchange(frame(identify.toByteArray())),
                "the server still answers");
        // What bounds the server's memory: requests are read against a shared budget, all of it back once read.
        assertEquals(ControlServer.REQUEST_BUDGET, SERVER.requestBudgetAvailable(), "the request budget leaked");
    }

    /** Sends {@code bytes}, half-closes, and reads responses until the server closes; returns how many came. */
    private static int exchange(byte[] bytes) throws Exception {
        ChannelDuplex c = new ChannelDuplex(ControlClient.connect(ControlSocket.socketAddress(SERVER.address())));
        Future<Integer> read = CLIENTS.submit(() -> {
            int n = 0;
            InputStream in = c.input();
            while (true) {
                byte[] body;
                try {
                    body = LengthPrefixed.read(in, ControlClient.MAX_RESPONSE);
                } catch (java.io.EOFException e) {
                    return n;
                }
                Response r = Response.parseFrom(body);
                assertTrue(r.getType() == Response.Type.OK || r.getType() == Response.Type.ERROR, r.toString());
                n++;
            }
        });
        try {
            try {
                c.output().write(bytes);
                c.closeOutput();
            } catch (IOException e) {
                // the server closed first (an error answered early): what it sent is still read
            }
            return read.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection within " + WITHIN);
        } catch (ExecutionException e) {
            throw new AssertionError("the server's answer is not a sequence of responses: " + e.getCause(),
                    e.getCause());
        } finally {
            c.close();
        }
    }

    private static byte[] frame(byte[] body) {
        byte[] prefix = org.jlibp2p.core.multiformats.Varint.encode(body.length);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }
}
