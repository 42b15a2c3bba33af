package org.jlibp2p.muxer.yamux;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.muxer.ReceiveBudget;

/** The Yamux stream multiplexer ({@value #PROTOCOL_ID}), per the hashicorp spec and the libp2p yamux spec. */
public final class Yamux implements StreamMuxer {
    public static final String PROTOCOL_ID = "/yamux/1.0.0";

    private final YamuxConfig config;
    private final ReceiveBudget nodeBudget;

    /** Default settings, and a node-wide receive budget of its own ({@link ReceiveBudget#forNode()}). */
    public Yamux() {
        this(YamuxConfig.DEFAULT);
    }

    /** A node-wide receive budget of its own ({@link ReceiveBudget#forNode()}). */
    public Yamux(YamuxConfig config) {
        this(config, ReceiveBudget.forNode());
    }

    /**
     * Sessions whose unread received bytes count, beyond each session's own limit, against {@code nodeBudget}: give
     * the muxers of one node the same.
     */
    public Yamux(YamuxConfig config, ReceiveBudget nodeBudget) {
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
     * {@inheritDoc}
     *
     * @throws org.jlibp2p.core.mux.SessionClosedException if {@code threads} refuses a thread (the node is closing);
     *     the connection is closed then
     */
    @Override
    public YamuxSession start(Duplex connection, boolean initiator, Scheduler scheduler, ThreadFactory threads)
            throws IOException {
        return YamuxSession.start(connection, initiator, config, nodeBudget, scheduler, threads);
    }
}
