package org.jlibp2p.testkit;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.CloseCause;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.Stream;

/**
 * A connection that exists only in a unit test: it has its peers and addresses, closes, and opens no stream (a
 * handler under test gets its streams from its {@link FakeHandlerContext}).
 */
public final class FakeConnection implements Connection {
    private static final AtomicLong IDS = new AtomicLong(1);

    private final long id;
    private final Direction direction;
    private final PeerId localPeer;
    private final PublicKey remoteKey;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final Instant opened;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CloseCause closeCause;
    private volatile int streamCount;

    public FakeConnection(Direction direction, PeerId localPeer, PublicKey remoteKey, Multiaddr localAddress,
            Multiaddr remoteAddress, Instant opened) {
        this.id = IDS.getAndIncrement();
        this.direction = direction;
        this.localPeer = localPeer;
        this.remoteKey = remoteKey;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.opened = opened;
    }

    /** An outbound connection from {@code localPeer} to the owner of {@code remote}, over memory addresses. */
    public static FakeConnection to(PeerId localPeer, KeyPair remote) {
        return new FakeConnection(Direction.OUTBOUND, localPeer, remote.publicKey(), memory(1), memory(2),
                Instant.EPOCH);
    }

    private static Multiaddr memory(int n) {
        try {
            return Multiaddr.parse("/memory/" + n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same connection seen from the other end (for the remote end of test streams). */
    static FakeConnection mirrorOf(Connection c) {
        return new FakeConnection(c.direction() == Direction.OUTBOUND ? Direction.INBOUND : Direction.OUTBOUND,
                c.remotePeer(), c.remotePublicKey(), c.remoteAddress(), c.localAddress(), c.opened());
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return PeerId.fromPublicKey(remoteKey);
    }

    @Override
    public PublicKey remotePublicKey() {
        return remoteKey;
    }

    @Override
    public Multiaddr localAddress() {
        return localAddress;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String security() {
        return "/fake";
    }

    @Override
    public String muxer() {
        return "/fake";
    }

    @Override
    public Instant opened() {
        return opened;
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public int streamCount() {
        return streamCount;
    }

    /** Sets what {@link #streamCount()} answers (the fake opens no stream itself). */
    public void setStreamCount(int n) {
        streamCount = n;
    }

    @Override
    public Stream newStream(List<String> protocols) throws IOException {
        throw new IOException("a fake connection opens no stream; give the handler's context a stream source");
    }

    @Override
    public void close() {
        close(new CloseCause.Local());
    }

    @Override
    public void close(CloseCause cause) {
        Connection.requireLocalCause(cause);
        if (closed.compareAndSet(false, true)) {
            closeCause = cause;
        }
    }

    /** Why the connection was closed, if it was. */
    public Optional<CloseCause> closeCause() {
        return Optional.ofNullable(closeCause);
    }

    @Override
    public String toString() {
        return "FakeConnection#" + id + "[" + direction + " " + remotePeer() + "]";
    }
}
