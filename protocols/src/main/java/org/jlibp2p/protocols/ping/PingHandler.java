package org.jlibp2p.protocols.ping;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.jlibp2p.core.multistream.NoCommonProtocolException;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.time.Cancellable;

/**
 * Ping on one connection: answers inbound pings, and every {@link PingConfig#interval()} sends one on a stream kept
 * open between pings, reporting each outcome to the behaviour. A peer that does not speak ping is not asked again on
 * this connection.
 */
final class PingHandler implements ConnectionHandler {
    private final HandlerContext context;
    private final PingConfig config;
    private final RandomGenerator random;
    private final PingBehaviour behaviour;
    private Stream outbound; // touched only by the ping task, one run at a time

    PingHandler(HandlerContext context, PingConfig config, RandomGenerator random, PingBehaviour behaviour) {
        this.context = context;
        this.config = config;
        this.random = random;
        this.behaviour = behaviour;
        if (!config.interval().isZero()) {
            context.schedule(config.interval(), this::pingAndRepeat);
        }
    }

    @Override
    public void handleInbound(Stream stream) throws IOException {
        PingProtocol.serve(stream);
    }

    private void pingAndRepeat() {
        long id = context.connection().id();
        try {
            Duration rtt = pingOnce();
            behaviour.report(context, new PingEvent.Success(context.remotePeer(), id, rtt));
        } catch (NoCommonProtocolException e) {
            behaviour.report(context, new PingEvent.Failure(context.remotePeer(), id, e));
            return; // the peer does not speak ping: do not ask again on this connection
        } catch (IOException e) {
            if (outbound != null) {
                outbound.reset();
                outbound = null;
            }
            if (!context.connection().isOpen()) {
                return;
            }
            behaviour.report(context, new PingEvent.Failure(context.remotePeer(), id, e));
        }
        context.schedule(config.interval(), this::pingAndRepeat);
    }

    /** One ping on the kept stream (opened on first use), cut off by a timer on the node's clock. */
    private Duration pingOnce() throws IOException {
        if (outbound == null) {
            outbound = context.openStream(List.of(PingBehaviour.PROTOCOL_ID));
        }
        Stream s = outbound;
        AtomicBoolean expired = new AtomicBoolean();
        Cancellable guard = context.scheduler().schedule(config.timeout(), () -> {
            expired.set(true);
            s.reset();
        });
        try {
            return PingProtocol.ping(s, random, context.scheduler());
        } catch (IOException e) {
            if (expired.get()) {
                SocketTimeoutException t = new SocketTimeoutException("no ping answer within " + config.timeout());
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            guard.cancel();
        }
    }
}
