package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.peer.PeerId;

/** A negotiated stream on a {@link Connection}: blocking streams, half-close, reset, read deadline. */
public final class Stream implements Duplex {
    private final MuxedStream muxed;
    private final Connection connection;
    private final String protocol;
    private final Direction direction;

    /** A negotiated stream: the swarm makes these; a test may wrap a stream of its own. */
    public Stream(MuxedStream muxed, Connection connection, String protocol, Direction direction) {
        this.muxed = muxed;
        this.connection = connection;
        this.protocol = protocol;
        this.direction = direction;
    }

    /** The protocol id negotiated on this stream. */
    public String protocol() {
        return protocol;
    }

    public Connection connection() {
        return connection;
    }

    public PeerId remotePeer() {
        return connection.remotePeer();
    }

    public Direction direction() {
        return direction;
    }

    @Override
    public InputStream input() {
        return muxed.input();
    }

    @Override
    public OutputStream output() {
        return muxed.output();
    }

    /** Half-closes: the remote reads end-of-stream; this side can still read. */
    @Override
    public void closeOutput() throws IOException {
        muxed.closeOutput();
    }

    /** Aborts the stream in both directions. */
    public void reset() {
        muxed.reset();
    }

    /** Bounds how long a read waits; {@link Duration#ZERO} waits forever. */
    public void setReadTimeout(Duration timeout) {
        muxed.setReadTimeout(timeout);
    }

    @Override
    public void close() throws IOException {
        muxed.close();
    }

    @Override
    public String toString() {
        return "Stream[" + protocol + " " + direction + " with " + connection.remotePeer() + "]";
    }
}
