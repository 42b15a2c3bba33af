package org.jlibp2p.protocols.ping;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;

/**
 * The ping protocol ({@value #PROTOCOL_ID}): answers pings, pings every connection periodically
 * ({@link PingConfig#interval()}) and emits a {@link PingEvent} for each outcome, and pings a peer on request with
 * {@link #ping(PeerId, int)}.
 */
public final class PingBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";

    private final PingConfig config;
    private final RandomGenerator random;
    private volatile BehaviourContext context;

    public PingBehaviour(PingConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
    }

    public PingBehaviour(PingConfig config) {
        this(config, new SecureRandom());
    }

    public PingBehaviour() {
        this(PingConfig.defaults());
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext handlerContext) {
        return new PingHandler(handlerContext, config, random, this);
    }

    /** A handler's outcome, emitted from the behaviour's thread. */
    void report(HandlerContext handlerContext, PingEvent event) {
        handlerContext.toBehaviour(() -> context.emit(event));
    }

    /** Pings {@code peer} {@code count} times on one stream (dialling if needed); returns the round-trip times. */
    public Duration[] ping(PeerId peer, int count) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive");
        }
        BehaviourContext c = context;
        if (c == null) {
            throw new IllegalStateException("ping behaviour is not started");
        }
        Duration[] rtts = new Duration[count];
        try (Stream stream = c.openStream(peer, List.of(PROTOCOL_ID))) {
            for (int i = 0; i < count; i++) {
                rtts[i] = PingProtocol.ping(stream, random, c.scheduler());
            }
            stream.closeOutput();
        }
        return rtts;
    }

    /** One ping. */
    public Duration ping(PeerId peer) throws IOException {
        return ping(peer, 1)[0];
    }
}
