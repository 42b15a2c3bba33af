package org.jlibp2p.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;

/** A client of the daemon control protocol: one connection per request. */
final class ControlClient {
    static final int MAX_RESPONSE = 16 * 1024 * 1024;

    private final SocketAddress daemon;

    ControlClient(Multiaddr control) throws IOException {
        this.daemon = ControlServer.socketAddress(control);
    }

    static SocketChannel connect(SocketAddress addr) throws IOException {
        SocketChannel ch = SocketChannel.open(ControlServer.family(addr));
        try {
            ch.connect(addr);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot reach the daemon's control socket at " + addr + " (" + e.getMessage()
                    + "); is p2pd running there?", e);
        }
    }

    /** Sends {@code request}; returns the OK response, or throws with the daemon's error message. */
    Response call(Request request) throws IOException {
        try (ChannelDuplex conn = new ChannelDuplex(connect(daemon))) {
            return send(conn, request);
        }
    }

    /** Sends {@code request} on an open connection and reads one response (the connection stays open). */
    static Response send(ChannelDuplex conn, Request request) throws IOException {
        LengthPrefixed.write(conn.output(), request.toByteArray());
        Response r;
        try {
            r = Response.parseFrom(LengthPrefixed.read(conn.input(), MAX_RESPONSE));
        } catch (InvalidProtocolBufferException e) {
            throw new FormatException("malformed response from the daemon: " + e.getMessage());
        }
        if (r.getType() == Response.Type.ERROR) {
            throw new IOException("daemon: " + r.getError().getMsg());
        }
        return r;
    }

    /** Opens a control connection for a request whose connection outlives the response (STREAM_OPEN). */
    ChannelDuplex open() throws IOException {
        return new ChannelDuplex(connect(daemon));
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }
}
