package org.jlibp2p.kademlia.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.kademlia.KadProtocolException;

/**
 * Sends requests to peers on their own blocking thread, reusing streams: after an answer, the stream goes back to a
 * small per-peer pool, and the next request to that peer takes it instead of negotiating a new one. A stream idle for
 * longer than the idle timeout is closed instead of reused (and by {@link #closeIdle}), and a reused stream that
 * turns out closed by the remote is replaced once. Thread-safe.
 */
public final class RequestSender {
    /** Idle streams kept per peer. */
    private static final int POOL_PER_PEER = 2;

    private record Idle(Stream stream, long since) {}

    private final BehaviourContext context;
    private final String protocolId;
    private final KadCodec codec;
    private final Duration requestTimeout;
    private final long idleNanos;
    private final Scheduler clock;
    private final Map<PeerId, Deque<Idle>> pool = new ConcurrentHashMap<>();

    public RequestSender(BehaviourContext context, String protocolId, KadCodec codec, Duration requestTimeout,
            Duration idleTimeout) {
        this.context = context;
        this.protocolId = protocolId;
        this.codec = codec;
        this.requestTimeout = requestTimeout;
        this.idleNanos = idleTimeout.toNanos();
        this.clock = context.scheduler();
    }

    /**
     * Sends {@code request} to {@code peer} (dialling if needed) and, when {@code expectAnswer}, reads the answer.
     * Blocking.
     *
     * @return the answer, or empty when none was expected
     * @throws KadProtocolException if the answer is malformed or not of the request's type
     */
    public Optional<KadMessage> send(PeerId peer, KadMessage request, boolean expectAnswer) throws IOException {
        Optional<Stream> reused = take(peer);
        if (reused.isPresent()) {
            try {
                return exchange(peer, reused.get(), request, expectAnswer);
            } catch (KadProtocolException e) {
                throw e;
            } catch (IOException e) {
                // The remote may have closed the idle stream meanwhile: one more try on a new stream.
            }
        }
        Stream stream = context.openStream(peer, List.of(protocolId));
        return exchange(peer, stream, request, expectAnswer);
    }

    private Optional<KadMessage> exchange(PeerId peer, Stream stream, KadMessage request, boolean expectAnswer)
            throws IOException {
        boolean ok = false;
        try {
            stream.setReadTimeout(requestTimeout);
            codec.write(stream.output(), request);
            Optional<KadMessage> answer = Optional.empty();
            if (expectAnswer) {
                answer = codec.read(stream.input());
                if (answer.isEmpty()) {
                    throw new java.io.EOFException("the stream ended before the answer");
                }
                if (answer.get().type() != request.type()) {
                    throw new KadProtocolException("asked " + request.type() + ", answered " + answer.get().type());
                }
            }
            ok = true;
            return answer;
        } finally {
            if (ok) {
                giveBack(peer, stream);
            } else {
                stream.reset();
            }
        }
    }

    private Optional<Stream> take(PeerId peer) {
        Deque<Idle> idle = pool.get(peer);
        if (idle == null) {
            return Optional.empty();
        }
        long now = clock.nanoTime();
        while (true) {
            Idle i;
            synchronized (idle) {
                i = idle.pollLast();
            }
            if (i == null) {
                return Optional.empty();
            }
            if (now - i.since < idleNanos && i.stream.connection().isOpen()) {
                return Optional.of(i.stream);
            }
            closeQuietly(i.stream);
        }
    }

    private void giveBack(PeerId peer, Stream stream) {
        Deque<Idle> idle = pool.computeIfAbsent(peer, p -> new ArrayDeque<>());
        Idle evicted = null;
        synchronized (idle) {
            idle.addLast(new Idle(stream, clock.nanoTime()));
            if (idle.size() > POOL_PER_PEER) {
                evicted = idle.pollFirst();
            }
        }
        if (evicted != null) {
            closeQuietly(evicted.stream);
        }
    }

    /** Closes the streams idle for longer than the idle timeout, and those of closed connections. */
    public void closeIdle() {
        long now = clock.nanoTime();
        for (Map.Entry<PeerId, Deque<Idle>> e : pool.entrySet()) {
            Deque<Idle> idle = e.getValue();
            java.util.List<Idle> stale = new java.util.ArrayList<>();
            synchronized (idle) {
                idle.removeIf(i -> {
                    boolean old = now - i.since >= idleNanos || !i.stream.connection().isOpen();
                    if (old) {
                        stale.add(i);
                    }
                    return old;
                });
                if (idle.isEmpty()) {
                    pool.remove(e.getKey(), idle);
                }
            }
            stale.forEach(i -> closeQuietly(i.stream));
        }
    }

    /** Streams held for reuse (for tests and metrics). */
    public int idleStreams() {
        int n = 0;
        for (Deque<Idle> idle : pool.values()) {
            synchronized (idle) {
                n += idle.size();
            }
        }
        return n;
    }

    private static void closeQuietly(Stream s) {
        try {
            s.close();
        } catch (IOException e) {
            s.reset();
        }
    }
}
