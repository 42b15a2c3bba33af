package org.jlibp2p.gossipsub;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.multistream.NoCommonProtocolException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;

/**
 * Pubsub on one connection: opens the one long-lived outbound RPC stream (the protocol it negotiates tells the
 * behaviour which router the peer runs) and writes what the router sends through a bounded queue (an RPC that does
 * not fit is dropped and counted: a slow peer costs itself); reads the peer's inbound stream RPC by RPC, within the
 * limits, and hands each to the behaviour. A breach of a limit resets the inbound stream.
 */
final class PubsubHandler implements ConnectionHandler {
    private final HandlerContext context;
    private final GossipsubBehaviour behaviour;
    private final List<String> protocols;
    private final RpcLimits limits;
    private final int capacity;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private boolean closed; // guarded by queue

    PubsubHandler(HandlerContext context, GossipsubBehaviour behaviour, List<String> protocols, RpcLimits limits,
            int capacity) {
        this.context = context;
        this.behaviour = behaviour;
        this.protocols = protocols;
        this.limits = limits;
        this.capacity = capacity;
        context.spawn("pubsub-out-" + context.connection().id(), this::runOutbound);
    }

    PeerId peer() {
        return context.remotePeer();
    }

    HandlerContext context() {
        return context;
    }

    /**
     * Queues an RPC framed for the wire (its length prefix and protobuf); false (counted) when the queue is full.
     * Never blocks.
     */
    boolean send(byte[] frame) {
        synchronized (queue) {
            if (closed || queue.size() >= capacity) {
                dropped.incrementAndGet();
                return false;
            }
            queue.add(frame);
            queue.notifyAll();
            return true;
        }
    }

    long dropped() {
        return dropped.get();
    }

    private byte[] take() throws InterruptedException {
        synchronized (queue) {
            while (queue.isEmpty() && !closed) {
                queue.wait();
            }
            return queue.poll();
        }
    }

    private boolean queueEmpty() {
        synchronized (queue) {
            return queue.isEmpty();
        }
    }

    private void shutdownQueue() {
        synchronized (queue) {
            closed = true;
            dropped.addAndGet(queue.size());
            queue.clear();
            queue.notifyAll();
        }
    }

    private void runOutbound() {
        Stream stream = null;
        try {
            stream = context.openStream(protocols);
            String protocol = stream.protocol();
            context.keepAlive(true);
            context.toBehaviour(() -> behaviour.negotiated(this, protocol));
            OutputStream out = stream.output();
            while (true) {
                byte[] frame = take();
                if (frame == null) {
                    break;
                }
                out.write(frame);
                if (queueEmpty()) {
                    out.flush();
                }
            }
            stream.close();
        } catch (NoCommonProtocolException e) {
            shutdownQueue(); // the peer does not speak pubsub
        } catch (InterruptedException | InterruptedIOException e) {
            shutdownQueue();
            if (stream != null) {
                stream.reset();
            }
        } catch (IOException | RuntimeException e) {
            shutdownQueue();
            if (stream != null) {
                stream.reset();
            }
            if (context.connection().isOpen()) {
                context.toBehaviour(() -> behaviour.outboundFailed(this));
            }
        }
    }

    @Override
    public void handleInbound(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        String protocol = stream.protocol();
        Set<String> topics = new HashSet<>();
        while (true) {
            byte[] frame;
            try {
                frame = RpcCodec.readFrame(stream.input(), limits);
            } catch (EOFException e) {
                return; // the peer closed its stream between RPCs
            }
            Rpc rpc = RpcCodec.decode(frame, limits);
            for (Rpc.SubOpts s : rpc.subscriptions()) {
                if (s.subscribe()) {
                    topics.add(s.topic());
                } else {
                    topics.remove(s.topic());
                }
            }
            if (topics.size() > limits.maxTopicsPerPeer()) {
                throw new RpcLimitException("topics per peer", topics.size(), limits.maxTopicsPerPeer());
            }
            // RPCs read and not yet handled hold at most the behaviour's budget of bytes, and their messages'
            // signature checks at most its bound: past either, reading waits (and the muxer's flow control slows the
            // peer down)
            GossipsubBehaviour.Inbound in;
            try {
                in = behaviour.reserveInbound(Math.max(frame.length, 64), rpc.messages().size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for the RPC budget");
            }
            context.toBehaviour(() -> behaviour.received(this, peer, protocol, rpc, in));
        }
    }

    /** Ends the outbound writer (the connection is closing). */
    void close() {
        shutdownQueue();
    }
}
