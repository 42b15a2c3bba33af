package org.jlibp2p.node;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlResponse;

/** A client of the daemon control protocol: one connection per request. */
final class ControlClient {
    static final int MAX_RESPONSE = 16 * 1024 * 1024;

    private final SocketAddress daemon;

    ControlClient(Multiaddr control) throws IOException {
        this.daemon = ControlSocket.socketAddress(control);
    }

    static SocketChannel connect(SocketAddress addr) throws IOException {
        SocketChannel ch = SocketChannel.open(ControlSocket.family(addr));
        try {
            ch.connect(addr);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot reach the daemon's control socket at " + addr + " (" + e.getMessage()
                    + "); is p2pd running there?", e);
        }
    }

    /**
     * Sends {@code request} on a connection of its own; returns the OK response, of the kind that answers it, or
     * throws with the daemon's error message.
     */
    <R extends ControlResponse> R call(ControlRequest request, Class<R> answer) throws IOException {
        try (ChannelDuplex conn = open()) {
            return send(conn, request, answer);
        }
    }

    /** Sends {@code request} on an open connection and reads one response (the connection stays open). */
    static <R extends ControlResponse> R send(Duplex conn, ControlRequest request, Class<R> answer)
            throws IOException {
        LengthPrefixed.write(conn.output(), ControlCodec.encodeRequest(request));
        ControlResponse r = ControlCodec.decodeResponse(request,
                LengthPrefixed.read(conn.input(), MAX_RESPONSE));
        if (r instanceof ControlResponse.Error e) {
            throw new IOException("daemon: " + e.message());
        }
        if (!answer.isInstance(r)) {
            throw new FormatException("unexpected response from the daemon: " + r);
        }
        return answer.cast(r);
    }

    /** Opens a control connection, for a request whose connection outlives the response (STREAM_OPEN). */
    ChannelDuplex open() throws IOException {
        return new ChannelDuplex(connect(daemon));
    }
}
