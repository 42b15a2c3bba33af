package org.jlibp2p.node;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
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

    /** Items of one streamed DHT answer a client reads at most. */
    static final int MAX_DHT_ITEMS = 100_000;

    /**
     * Sends a streaming DHT request (FIND_PROVIDERS, GET_CLOSEST_PEERS, SEARCH_VALUE) and hands each VALUE to
     * {@code each} as it arrives, until the daemon's END; throws with the daemon's error message.
     */
    void dhtStream(ControlRequest request, Consumer<ControlResponse.DhtMessage> each) throws IOException {
        try (ChannelDuplex conn = open()) {
            ControlResponse.Dht first = send(conn, request, ControlResponse.Dht.class);
            if (first.message().kind() != ControlResponse.DhtMessage.Kind.BEGIN) {
                throw new FormatException("the daemon answered a streaming DHT request with " + first.message().kind()
                        + " instead of BEGIN");
            }
            for (int i = 0; i <= MAX_DHT_ITEMS; i++) {
                ControlResponse.DhtMessage m = ControlCodec.decodeDhtMessage(
                        LengthPrefixed.read(conn.input(), MAX_RESPONSE));
                switch (m.kind()) {
                    case END -> {
                        return;
                    }
                    case VALUE -> each.accept(m);
                    case BEGIN -> throw new FormatException("a second BEGIN inside a DHT answer");
                }
            }
            throw new FormatException("more than " + MAX_DHT_ITEMS + " items in one DHT answer");
        }
    }

    /** Opens a control connection, for a request whose connection outlives the response (STREAM_OPEN). */
    ChannelDuplex open() throws IOException {
        return new ChannelDuplex(connect(daemon));
    }
}
