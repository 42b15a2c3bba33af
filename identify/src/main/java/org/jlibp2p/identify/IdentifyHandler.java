package org.jlibp2p.identify;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;

/**
 * Identify on one connection: asks the peer who it is as soon as the connection is up, answers its questions,
 * receives its pushes, and pushes local changes to it, coalesced (requests arriving while a push runs make one more).
 * What it learns goes to the behaviour's thread.
 */
final class IdentifyHandler implements ConnectionHandler {
    private final HandlerContext context;
    private final IdentifyBehaviour behaviour;
    /** Pending push requests: a push runs while it is non-zero, so requests made during a push cost one more. */
    private final AtomicInteger pushRequests = new AtomicInteger();

    IdentifyHandler(HandlerContext context, IdentifyBehaviour behaviour) {
        this.context = context;
        this.behaviour = behaviour;
        context.spawn("identify-" + context.connection().id(), this::identify);
    }

    @Override
    public void handleInbound(Stream stream) throws IOException {
        if (stream.protocol().equals(IdentifyBehaviour.PUSH_PROTOCOL_ID)) {
            receive(stream, true);
        } else {
            IdentifyProtocol.send(stream, behaviour.localIdentity(),
                    Optional.of(context.connection().remoteAddress()));
        }
    }

    /** Asks the peer to identify itself. A failure costs only the identify stream, reported as an event. */
    private void identify() {
        Stream stream = null;
        try {
            stream = context.openStream(List.of(IdentifyBehaviour.PROTOCOL_ID));
            receive(stream, false);
            stream.close();
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.reset();
            }
            if (context.connection().isOpen()) {
                IOException error = e instanceof IOException io ? io : new IdentifyException(String.valueOf(e));
                context.toBehaviour(() -> behaviour.failed(context.connection(), error));
            }
        }
    }

    private void receive(Stream stream, boolean pushed) throws IOException {
        IdentifyInfo info = IdentifyProtocol.receive(stream, behaviour.config().maxMessageSize(),
                behaviour.config().timeout());
        if (info.publicKey().isPresent() && !context.remotePeer().matches(info.publicKey().get())) {
            throw new IdentifyException("identify from " + context.remotePeer() + " carries another peer's public key");
        }
        context.toBehaviour(() -> behaviour.received(context.connection(), info, pushed));
    }

    /** Pushes the current local information; called on the behaviour's thread, so it only starts the work. */
    void requestPush() {
        if (pushRequests.getAndIncrement() == 0) {
            context.spawn("identify-push-" + context.connection().id(), () -> {
                int seen;
                do {
                    seen = pushRequests.get();
                    push();
                } while (pushRequests.addAndGet(-seen) != 0);
            });
        }
    }

    private void push() {
        Stream stream = null;
        try {
            stream = context.openStream(List.of(IdentifyBehaviour.PUSH_PROTOCOL_ID));
            IdentifyProtocol.send(stream, behaviour.localIdentity(), Optional.of(context.connection().remoteAddress()));
            stream.close();
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.reset();
            }
        }
    }
}
