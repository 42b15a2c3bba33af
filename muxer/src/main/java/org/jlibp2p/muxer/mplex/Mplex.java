package org.jlibp2p.muxer.mplex;

import java.io.IOException;
import java.util.Objects;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.mux.StreamMuxer;

/** The mplex stream multiplexer ({@value #PROTOCOL_ID}), per the libp2p mplex spec. */
public final class Mplex implements StreamMuxer {
    public static final String PROTOCOL_ID = "/mplex/6.7.0";

    private final MplexConfig config;

    public Mplex() {
        this(MplexConfig.DEFAULT);
    }

    public Mplex(MplexConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public MplexSession start(Duplex connection, boolean initiator) throws IOException {
        return MplexSession.start(connection, initiator, config);
    }
}
