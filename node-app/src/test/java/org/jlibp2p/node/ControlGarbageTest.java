package org.jlibp2p.node;

import static org.jlibp2p.node.DaemonFixture.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.testing.Background;
import org.jlibp2p.node.DaemonFixture.Control;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Garbage on the control socket costs the sender its connection, never the daemon. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class ControlGarbageTest {
    @TempDir
    Path dir;

    private P2pd.Daemon d;
    private final List<ChannelDuplex> conns = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (ChannelDuplex c : conns) {
            c.close();
        }
        if (d != null) {
            d.close();
        }
    }

    private void start(String timeout) throws Exception {
        d = DaemonFixture.start(Control.UNIX, dir, "d", "-requestTimeout", timeout);
    }

    private ChannelDuplex open() throws IOException {
        ChannelDuplex c = new ChannelDuplex(
                SocketChannel.open(ControlSocket.socketAddress(d.control().address())));
        conns.add(c);
        return c;
    }

    /** Sends {@code bytes} (then half-closes when asked); expects an ERROR naming {@code fragment}, then the end. */
    private void expectError(byte[] bytes, boolean halfClose, String fragment) throws IOException {
        ChannelDuplex c = open();
        c.output().write(bytes);
        if (halfClose) {
            c.closeOutput();
        }
        Response r = Response.parseFrom(LengthPrefixed.read(c.input(), 1 << 16));
        assertEquals(Response.Type.ERROR, r.getType(), r.toString());
        assertTrue(r.getError().getMsg().contains(fragment), r.getError().getMsg());
        assertEquals(-1, c.input().read(), "the connection is closed after the error");
    }

    private void assertStillServes() throws IOException {
        Response r = call(d.control().address(), Request.newBuilder().setType(Request.Type.IDENTIFY).build());
        assertEquals(Response.Type.OK, r.getType());
    }

    private static byte[] framed(byte[] body) {
        byte[] prefix = Varint.encode(body.length);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    @Test
    void eachKindOfGarbageGetsAnErrorWhileAWellBehavedClientIsServed() throws Exception {
        start("30s");
        ChannelDuplex silent = open();   // stays connected, silent, through the whole test

        Random rnd = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(200)];
            rnd.nextBytes(junk);
            ChannelDuplex c = open();
            c.output().write(junk);
            c.closeOutput();
            Response r = Response.parseFrom(LengthPrefixed.read(c.input(), 1 << 16));
            assertEquals(Response.Type.ERROR, r.getType(), "random bytes #" + i + ": " + r);
            assertStillServes();
        }
        expectError(new byte[] {(byte) 0x80}, true, "inside a varint");
        expectError(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, false, "varint");
        // 2 GiB announced, nothing sent after it: refused at once, nothing allocated
        expectError(Varint.encode(1L << 31), false, "exceeds");
        expectError(framed(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}), false, "malformed request");
        expectError(framed(new byte[] {0x08, 0x2A}), false, "unknown request type 42");
        expectError(framed(new byte[] {0x12, 0x00}), false, "no request type");
        expectError(framed(Request.newBuilder().setType(Request.Type.CONNECT).build().toByteArray()), false,
                "missing connect");
        expectError(framed(Request.newBuilder().setType(Request.Type.STREAM_OPEN).build().toByteArray()), false,
                "missing streamOpen");
        expectError(framed(Request.newBuilder().setType(Request.Type.CONNECT)
                .setConnect(P2pdProtos.ConnectRequest.newBuilder().buildPartial()).buildPartial().toByteArray()),
                false, "connect.peer");
        expectError(framed(Request.newBuilder().setType(Request.Type.PEERSTORE).build().toByteArray()), false,
                "missing peerStore");
        expectError(new byte[] {10, 8, 0}, true, "closed inside a request");
        // a request that is fine but names a peer id that is not one: an error, and the connection stays usable
        ChannelDuplex c = open();
        LengthPrefixed.write(c.output(), Request.newBuilder().setType(Request.Type.DISCONNECT)
                .setDisconnect(P2pdProtos.DisconnectRequest.newBuilder()
                        .setPeer(DaemonFixture.bytes(new byte[] {1, 2, 3}))).build().toByteArray());
        assertEquals(Response.Type.ERROR, Response.parseFrom(LengthPrefixed.read(c.input(), 1 << 16)).getType());
        LengthPrefixed.write(c.output(), Request.newBuilder().setType(Request.Type.IDENTIFY).build().toByteArray());
        assertEquals(Response.Type.OK, Response.parseFrom(LengthPrefixed.read(c.input(), 1 << 16)).getType());

        assertStillServes();
        silent.output().write(Varint.encode(0));   // the silent one was never dropped: an empty request still parses
        Response r = Response.parseFrom(LengthPrefixed.read(silent.input(), 1 << 16));
        assertEquals("malformed request: no request type", r.getError().getMsg());
    }

    @Test
    void aSilentClientIsAnsweredAndDroppedAfterTheRequestTimeout() throws Exception {
        start("300ms");
        long t0 = System.nanoTime();
        ChannelDuplex idle = open();
        ChannelDuplex partial = open();
        partial.output().write(new byte[] {10, 8, 1});   // 3 of 11 bytes, then nothing
        // each answer's time is taken as it arrives, while the daemon is shown to serve others meanwhile
        List<Background<Long>> answered = new ArrayList<>();
        for (ChannelDuplex c : List.of(idle, partial)) {
            answered.add(Background.call(() -> {
                Response r = Response.parseFrom(LengthPrefixed.read(c.input(), 1 << 16));
                long at = System.nanoTime();
                assertEquals(Response.Type.ERROR, r.getType());
                assertTrue(r.getError().getMsg().contains("300 ms"), r.getError().getMsg());
                assertEquals(-1, c.input().read());
                return at;
            }));
        }
        assertStillServes();
        for (Background<Long> a : answered) {
            long ms = (a.join(10) - t0) / 1_000_000;
            // The control socket's request timeout runs on the daemon's real clock: never before its 300 ms (a
            // loaded machine only makes the answer later), and a generous bound above for a loaded CI machine.
            assertTrue(ms >= 290 && ms < 10_000, ms + " ms");
        }
        assertStillServes();
    }

    @Test
    void requestsBeingReadShareABoundedBudget() throws Exception {
        start("10s");
        int fit = ControlServer.REQUEST_BUDGET / ControlServer.MAX_REQUEST;
        List<ChannelDuplex> big = new ArrayList<>();
        for (int i = 0; i < fit; i++) {
            ChannelDuplex c = open();
            c.output().write(Varint.encode(ControlServer.MAX_REQUEST));
            c.output().write(new byte[] {8});
            big.add(c);
            assertStillServes();   // a small request is served after each
        }
        // each big read draws on the budget on a thread of its own: wait until they all have
        assertTrue(DaemonFixture.eventually(java.time.Duration.ofSeconds(5),
                () -> d.control().requestBudgetAvailable() == 0));
        // every budget byte is promised: the next large request is refused at once
        expectError(Varint.encode(ControlServer.MAX_REQUEST), false, "too many requests");
        // an abandoned large read returns its share
        big.getFirst().close();
        assertTrue(DaemonFixture.eventually(java.time.Duration.ofSeconds(5), () -> {
            try {
                ChannelDuplex c = open();
                c.output().write(Varint.encode(ControlServer.MAX_REQUEST));
                c.output().write(new byte[] {8});
                c.closeOutput();
                Response r = Response.parseFrom(LengthPrefixed.read(c.input(), 1 << 16));
                return r.getError().getMsg().contains("closed inside a request");
            } catch (IOException e) {
                return false;
            }
        }));
        assertStillServes();
    }
}
