package org.jlibp2p.node;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;

/** In-process daemons on loopback with their control socket in a temp dir, and a raw control client. */
final class DaemonFixture {
    private DaemonFixture() {}

    /** Where a test daemon's control socket lives. */
    enum Control { UNIX, TCP }

    static Multiaddr controlAddress(Control kind, Path dir, String name) throws IOException {
        return Multiaddr.parse(kind == Control.UNIX ? "/unix" + dir.resolve(name + ".sock")
                : "/ip4/127.0.0.1/tcp/0");
    }

    static P2pd.Daemon start(Control kind, Path dir, String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-listen", controlAddress(kind, dir, name).toString(),
                "-hostAddrs", "/ip4/127.0.0.1/tcp/0", "-q"));
        args.addAll(List.of(extra));
        GoFlags f = P2pd.flags().parse(args.toArray(String[]::new));
        return P2pd.start(f, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }

    /** Sends one request on a fresh control connection and returns the response, ERROR included. */
    static Response call(Multiaddr control, Request req) throws IOException {
        try (ChannelDuplex conn = new ChannelDuplex(
                ControlClient.connect(ControlSocket.socketAddress(control)))) {
            LengthPrefixed.write(conn.output(), req.toByteArray());
            return Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
        }
    }

    /** Polls {@code condition} every 20 ms for at most {@code timeout}. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
