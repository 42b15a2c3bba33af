package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The control socket serves a bounded number of clients at once; the rest are closed on arrival. */
class ControlClientsLimitTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void clientsPastTheBoundAreClosedAtOnceAndServedAgainWhenSlotsFree() throws Exception {
        try (P2pd.Daemon d = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "d")) {
            List<SocketChannel> silent = new ArrayList<>();
            try {
                for (int i = 0; i < ControlServer.MAX_CONCURRENT_CLIENTS; i++) {
                    silent.add(ControlClient.connect(ControlSocket.socketAddress(d.control().address())));
                }
                // every slot is held by a client that sends nothing: the next is closed without an answer
                assertEquals(1, countRefusedAfter(d, 1));
                assertThrows(IOException.class, () -> DaemonFixture.call(d.control().address(),
                        Request.newBuilder().setType(Request.Type.IDENTIFY).build()));
            } finally {
                for (SocketChannel ch : silent) {
                    ch.close();
                }
            }
            assertTrue(DaemonFixture.eventually(java.time.Duration.ofSeconds(10), () -> {
                try {
                    return DaemonFixture.call(d.control().address(), Request.newBuilder()
                            .setType(Request.Type.IDENTIFY).build()).getType() == Response.Type.OK;
                } catch (IOException e) {
                    return false;
                }
            }), "served again once the silent clients left");
        }
    }

    /** Opens {@code n} more clients, waits for the daemon to count them refused; returns how many it counted. */
    private static long countRefusedAfter(P2pd.Daemon d, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            try (SocketChannel ch = ControlClient.connect(ControlSocket.socketAddress(d.control().address()))) {
                // read: the daemon closes it
                assertEquals(-1, ch.read(java.nio.ByteBuffer.allocate(1)));
            }
        }
        DaemonFixture.eventually(java.time.Duration.ofSeconds(5),
                () -> d.swarm().resources().refusals().count("control clients") >= n);
        return d.swarm().resources().refusals().count("control clients");
    }
}
