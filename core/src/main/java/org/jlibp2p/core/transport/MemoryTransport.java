package org.jlibp2p.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;

/**
 * Connections inside one JVM over {@link MemoryPipe}s, addressed {@code /memory/<n>}: for tests and simulations
 * that run the real security and muxer layers without sockets. Transports sharing a {@link Network} reach each
 * other; listening on {@code /memory/0} picks a free number.
 */
public final class MemoryTransport implements Transport {
    /** The set of listeners that can reach each other. */
    public static final class Network {
        private final Map<Long, MemoryListener> listeners = new ConcurrentHashMap<>();
        private final AtomicLong next = new AtomicLong(1);
    }

    private static final int ACCEPT_BACKLOG = 128;

    private final Network network;
    private final int pipeCapacity;

    public MemoryTransport(Network network, int pipeCapacity) {
        this.network = network;
        this.pipeCapacity = pipeCapacity;
    }

    public MemoryTransport(Network network) {
        this(network, MemoryPipe.DEFAULT_CAPACITY);
    }

    private static Optional<Long> number(Multiaddr address) {
        Multiaddr bare = address.withoutPeerId();
        if (bare.components().size() != 1 || bare.components().get(0).protocol() != Protocol.MEMORY) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseUnsignedLong(bare.valueOf(Protocol.MEMORY).orElseThrow()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Multiaddr address(long n) {
        try {
            return Multiaddr.parse("/memory/" + Long.toUnsignedString(n));
        } catch (FormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return number(address).isPresent();
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return number(address).isPresent();
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        long n = number(address).orElseThrow(() -> new IOException("not a memory address: " + address));
        MemoryListener listener = network.listeners.get(n);
        if (listener == null) {
            throw new ConnectException("nothing listens on " + address);
        }
        MemoryPipe.Pair pair = MemoryPipe.create(pipeCapacity);
        Multiaddr local = address(network.next.getAndIncrement());
        if (!listener.pending.offer(new MemoryConnection(pair.b(), listener.address, local))) {
            throw new ConnectException("accept backlog of " + address + " is full");
        }
        return new MemoryConnection(pair.a(), local, listener.address);
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        long n = number(address).orElseThrow(() -> new IOException("not a memory address: " + address));
        if (n == 0) {
            n = network.next.getAndIncrement();
        }
        MemoryListener l = new MemoryListener(network, n);
        if (network.listeners.putIfAbsent(n, l) != null) {
            throw new IOException("address in use: " + address);
        }
        return l;
    }

    private static final class MemoryListener implements Listener {
        private static final MemoryConnection CLOSED = new MemoryConnection(null, null, null);
        private final Network network;
        private final long number;
        private final Multiaddr address;
        private final BlockingQueue<MemoryConnection> pending = new ArrayBlockingQueue<>(ACCEPT_BACKLOG + 1);
        private volatile boolean closed;

        MemoryListener(Network network, long number) {
            this.network = network;
            this.number = number;
            this.address = MemoryTransport.address(number);
        }

        @Override
        public Multiaddr address() {
            return address;
        }

        @Override
        public RawConnection accept() throws IOException {
            try {
                MemoryConnection c = closed ? CLOSED : pending.take();
                if (c == CLOSED) {
                    pending.offer(CLOSED);
                    throw new IOException("listener " + address + " is closed");
                }
                return c;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted in accept");
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                network.listeners.remove(number, this);
                pending.offer(CLOSED);
            }
        }
    }

    private record MemoryConnection(Duplex pipe, Multiaddr localAddress, Multiaddr remoteAddress)
            implements RawConnection {
        @Override
        public InputStream input() {
            return pipe.input();
        }

        @Override
        public OutputStream output() {
            return pipe.output();
        }

        @Override
        public void closeOutput() throws IOException {
            pipe.closeOutput();
        }

        @Override
        public void close() throws IOException {
            pipe.close();
        }
    }
}
