package org.jlibp2p.core.swarm;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.peer.PeerId;

/** A secured, multiplexed connection to one peer, owned by the {@link Swarm}. */
public final class Connection implements Closeable {
    private final long id;
    private final Direction direction;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remotePublicKey;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final String security;
    private final String muxer;
    private final MuxedSession session;
    private final Instant opened;
    private final Swarm swarm;
    private final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger inboundStreams = new AtomicInteger();

    Connection(long id, Direction direction, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey,
            Multiaddr localAddress, Multiaddr remoteAddress, String security, String muxer, MuxedSession session,
            Instant opened, Swarm swarm) {
        this.id = id;
        this.direction = direction;
        this.localPeer = localPeer;
        this.remotePeer = remotePeer;
        this.remotePublicKey = remotePublicKey;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.security = security;
        this.muxer = muxer;
        this.session = session;
        this.opened = opened;
        this.swarm = swarm;
    }

    public long id() {
        return id;
    }

    public Direction direction() {
        return direction;
    }

    public PeerId localPeer() {
        return localPeer;
    }

    public PeerId remotePeer() {
        return remotePeer;
    }

    public PublicKey remotePublicKey() {
        return remotePublicKey;
    }

    public Multiaddr localAddress() {
        return localAddress;
    }

    /** The address this connection runs to (without {@code /p2p/}). */
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    /** The negotiated security protocol id. */
    public String security() {
        return security;
    }

    /** The negotiated stream muxer protocol id. */
    public String muxer() {
        return muxer;
    }

    public Instant opened() {
        return opened;
    }

    public boolean isOpen() {
        return !closed.get() && session.isOpen();
    }

    /** Streams open on this connection, in both directions. */
    public int streamCount() {
        return session.streamCount();
    }

    MuxedSession session() {
        return session;
    }

    /**
     * Opens a stream and negotiates the first of {@code protocols} the remote supports, within the swarm's
     * negotiation timeout.
     *
     * @throws org.jlibp2p.core.multistream.NoCommonProtocolException if the remote supports none of them
     * @throws java.net.SocketTimeoutException if the negotiation outlasts {@link Limits#negotiationTimeout()}
     */
    public Stream newStream(List<String> protocols) throws IOException {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no protocol to negotiate");
        }
        MuxedStream muxed = session.openStream();
        try {
            String chosen = swarm.withStreamDeadline(muxed, () -> Multistream.select(muxed, protocols));
            return new Stream(muxed, this, chosen, Direction.OUTBOUND);
        } catch (IOException | RuntimeException e) {
            muxed.reset();
            throw e;
        }
    }

    public Stream newStream(String... protocols) throws IOException {
        return newStream(List.of(protocols));
    }

    /** Closes the connection and every stream on it. Idempotent. */
    @Override
    public void close() {
        closeFor("closed locally");
    }

    void closeFor(String reason) {
        if (closed.compareAndSet(false, true)) {
            try {
                session.close();
            } catch (IOException ignored) {
                // the session is gone either way
            }
            swarm.connectionClosed(this, reason);
        }
    }

    @Override
    public String toString() {
        return "Connection#" + id + "[" + direction + " " + remotePeer + " at " + remoteAddress + " " + security
                + " " + muxer + "]";
    }
}
