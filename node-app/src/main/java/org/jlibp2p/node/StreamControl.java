package org.jlibp2p.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.util.Closeables;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest.StreamHandler;
import org.jlibp2p.node.control.ControlRequest.StreamOpen;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.StreamInfo;

/**
 * STREAM_OPEN and STREAM_HANDLER: streams between peers and control clients. An opened stream takes over the
 * control connection that asked for it; an inbound stream of a registered protocol is delivered by dialling the
 * client's address and writing a delimited {@code StreamInfo}. Either way the bytes are then piped both ways,
 * half-closes included.
 */
final class StreamControl {
    private static final System.Logger LOG = System.getLogger(StreamControl.class.getName());
    private static final int PIPE_BUFFER = 64 * 1024;
    /** How long the daemon tries to reach a handler's TCP address. */
    private static final int HANDLER_CONNECT_MILLIS = 10_000;

    private final Swarm swarm;
    private final OpenConnections open;
    /** The client address of each protocol registered with STREAM_HANDLER. */
    private final Map<String, Multiaddr> handlerAddresses = new ConcurrentHashMap<>();

    StreamControl(Swarm swarm, OpenConnections open) {
        this.swarm = swarm;
        this.open = open;
    }

    /**
     * Opens the stream and answers {@code client}. On success the connection carries the stream from now on, piped
     * on a thread of its own, and this returns true; a stream that cannot be opened is answered with an error and
     * the connection stays a control connection.
     */
    boolean open(StreamOpen req, ChannelDuplex client) throws IOException {
        Stream stream;
        try {
            stream = Timeouts.call(req.timeout(), "opening a stream to " + req.peer(),
                    () -> swarm.newStream(req.peer(), req.protocols()), Stream::reset);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "STREAM_OPEN to " + req.peer() + " failed: " + e);
            ControlServer.respond(client, ControlServer.failure(e));
            return false;
        }
        try {
            ControlServer.respond(client, new ControlResponse.StreamOpened(info(stream)));
        } catch (IOException e) {
            stream.reset();
            throw e;
        }
        Thread.ofVirtual().name("control-stream").start(() -> {
            try {
                pipe(stream, client);
            } finally {
                Closeables.closeQuietly(stream);
                open.release(client);
            }
        });
        return true;
    }

    /**
     * Routes inbound streams of the request's protocols to its address; a later request for the same protocol
     * replaces the address. There is no request to remove a handler (go-libp2p-daemon has none either): it lasts
     * until the daemon stops, and a stream whose handler address no longer answers is reset.
     */
    ControlResponse register(StreamHandler req) throws IOException {
        ControlSocket.socketAddress(req.addr());   // refuses an address the daemon could not dial
        synchronized (handlerAddresses) {
            for (String protocol : req.protocols()) {
                if (!handlerAddresses.containsKey(protocol)) {
                    // each protocol is handed to the swarm once; later requests only move its address
                    swarm.setStreamHandler(protocol, this::deliver);
                }
                handlerAddresses.put(protocol, req.addr());
            }
        }
        return new ControlResponse.Ok();
    }

    /** Hands an inbound stream to the client that registered its protocol; resets it if that client is gone. */
    private void deliver(Stream stream) throws IOException {
        Multiaddr target = handlerAddresses.get(stream.protocol());
        if (target == null || open.isClosed()) {
            stream.reset();
            return;
        }
        SocketAddress addr = ControlSocket.socketAddress(target);
        SocketChannel ch = SocketChannel.open(ControlSocket.family(addr));
        ChannelDuplex client = new ChannelDuplex(ch);
        if (!open.add(client)) {
            stream.reset();
            return;
        }
        try {
            if (addr instanceof InetSocketAddress) {
                ch.socket().connect(addr, HANDLER_CONNECT_MILLIS);
            } else {
                ch.connect(addr);
            }
            LengthPrefixed.write(client.output(), ControlCodec.encodeStreamInfo(info(stream)));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "handler at " + target + " for " + stream.protocol()
                    + " unreachable: " + e);
            stream.reset();
            open.release(client);
            return;
        }
        try {
            pipe(stream, client);
        } finally {
            open.release(client);
        }
    }

    private static StreamInfo info(Stream stream) {
        return new StreamInfo(stream.remotePeer(), stream.connection().remoteAddress(), stream.protocol());
    }

    /** Copies both ways until both directions end, half-closing each side as its source ends. */
    private static void pipe(Stream stream, Duplex client) {
        try {
            stream.reserveMemory(2L * PIPE_BUFFER);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "no memory for " + stream + ": " + e.getMessage());
            stream.reset();
            Closeables.closeQuietly(client);
            return;
        }
        Thread up = Thread.ofVirtual().name("pipe-to-peer").start(() -> copy(client, stream, stream));
        copy(stream, client, stream);
        try {
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Duplex from, Duplex to, Stream stream) {
        byte[] buf = new byte[PIPE_BUFFER];
        try {
            InputStream in = from.input();
            OutputStream out = to.output();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.closeOutput();
        } catch (IOException | RuntimeException e) {
            // one side failed: abort the stream and drop the client, which ends the other direction too
            stream.reset();
            Closeables.closeQuietly(from);
            Closeables.closeQuietly(to);
        }
    }
}
