package org.jlibp2p.muxer.mplex;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.muxer.ReceiveBudget;

/** The mplex stream multiplexer ({@value #PROTOCOL_ID}), per the libp2p mplex spec. */
public final class Mplex implements StreamMuxer {
    public static final String PROTOCOL_ID = "/mplex/6.7.0";

    private final MplexConfig config;
    private final ReceiveBudget nodeBudget;

    /** Default settings, and a node-wide receive budget of its own ({@link ReceiveBudget#forNode()}). */
    public Mplex() {
        this(MplexConfig.DEFAULT);
    }

    /** A node-wide receive budget of its own ({@link ReceiveBudget#forNode()}). */
    public Mplex(MplexConfig config) {
        this(config, ReceiveBudget.forNode());
    }

    /**
     * Sessions whose unread received bytes count, beyond each session's own limit, against {@code nodeBudget}: give
     * the muxers of one node the same.
     */
    public Mplex(MplexConfig config, ReceiveBudget nodeBudget) {
        this.config = Objects.requireNonNull(config, "config");
        this.nodeBudget = Objects.requireNonNull(nodeBudget, "nodeBudget");
    }

    /** The budget shared by this muxer's sessions. */
    public ReceiveBudget nodeBudget() {
        return nodeBudget;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * {@inheritDoc} mplex has no timers: it takes {@code scheduler} for the interface's sake.
     *
     * @throws org.jlibp2p.core.mux.SessionClosedException if {@code threads} refuses a thread (the node is closing);
     *     the connection is closed then
     */
    @Override
    public MplexSession start(Duplex connection, boolean initiator, Scheduler scheduler, ThreadFactory threads)
            throws IOException {
        Objects.requireNonNull(scheduler, "scheduler");
        return MplexSession.start(connection, initiator, config, nodeBudget, threads);
    }
}
