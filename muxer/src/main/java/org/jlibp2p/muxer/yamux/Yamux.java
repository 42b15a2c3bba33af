package org.jlibp2p.muxer.yamux;

import java.io.IOException;
import java.util.Objects;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.mux.StreamMuxer;

/** The Yamux stream multiplexer ({@value #PROTOCOL_ID}), per the hashicorp spec and the libp2p yamux spec. */
public final class Yamux implements StreamMuxer {
    public static final String PROTOCOL_ID = "/yamux/1.0.0";

    private final YamuxConfig config;

    public Yamux() {
        this(YamuxConfig.DEFAULT);
    }

    public Yamux(YamuxConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public YamuxSession start(Duplex connection, boolean initiator) throws IOException {
        return YamuxSession.start(connection, initiator, config);
    }
}
