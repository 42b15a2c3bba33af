package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.StreamScope;

/** A negotiated stream on a {@link Connection}: blocking streams, half-close, reset, read deadline. */
public final class Stream implements Duplex {
    private final MuxedStream muxed;
    private final Connection connection;
    private final String protocol;
    private final Direction direction;
    private final StreamScope scope;

    /** A stream that counts in no resource manager: for tests that wrap a stream of their own. */
    public Stream(MuxedStream muxed, Connection connection, String protocol, Direction direction) {
        this(muxed, connection, protocol, direction, null);
    }

    /** A negotiated stream, counted in {@code scope} (may be null) until closed or reset. */
    public Stream(MuxedStream muxed, Connection connection, String protocol, Direction direction,
            StreamScope scope) {
        this.muxed = muxed;
        this.connection = connection;
        this.protocol = protocol;
        this.direction = direction;
        this.scope = scope;
    }

    /**
     * Reserves {@code bytes} of the node's memory for this stream's handler (a buffer, a queue) before allocating
     * them: the reservation counts against the stream's connection, peer, protocol and the whole node, and is given
     * back when the stream is closed or reset.
     *
     * @throws LimitExceededException if a limit would be passed; the handler should then reset the stream
     */
    public void reserveMemory(long bytes) throws LimitExceededException {
        if (scope != null) {
            scope.reserveMemory(bytes);
        }
    }

    /** Gives back memory reserved with {@link #reserveMemory} before the stream ends. */
    public void releaseMemory(long bytes) {
        if (scope != null) {
            scope.releaseMemory(bytes);
        }
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
        if (scope != null) {
            scope.close();
        }
    }

    /** Bounds how long a read waits; {@link Duration#ZERO} waits forever. */
    public void setReadTimeout(Duration timeout) {
        muxed.setReadTimeout(timeout);
    }

    @Override
    public void close() throws IOException {
        try {
            muxed.close();
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Stream[" + protocol + " " + direction + " with " + connection.remotePeer() + "]";
    }
}
