package org.jlibp2p.node.chat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.BehaviourEvent;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;

/**
 * Direct messages, {@value #PROTOCOL_ID}: one stream per message; the sender writes the message (one
 * length-prefixed JSON frame, {@link ChatCodec.Direct}) and the receiver answers with an acknowledgement of its id
 * once it has taken it. No acknowledgement within the timeout, or any failure, and the sender knows it failed. A
 * frame over {@link ChatCodec#MAX_BYTES} or malformed costs the sender its stream.
 */
public final class DirectMessageBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/jlibp2p/chat/dm/1.0.0";

    /** A direct message arrived (and was acknowledged). */
    public record Received(PeerId from, ChatCodec.Direct message) implements BehaviourEvent {}

    private BehaviourContext context;

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext connection) {
        return stream -> {
            ChatCodec.Direct m = ChatCodec.decodeDirect(LengthPrefixed.read(stream.input(), ChatCodec.MAX_BYTES));
            context.emit(new Received(stream.remotePeer(), m));
            LengthPrefixed.write(stream.output(), ChatCodec.encodeAck(m.id()));
            stream.output().flush();
            stream.closeOutput();
        };
    }

    /**
     * Sends {@code message} to {@code peer} (dialling it if needed) and waits for its acknowledgement. Blocking; call
     * it from the application's threads.
     *
     * @throws IOException when the peer cannot be reached, does not acknowledge this message within {@code timeout},
     *     or answers with something else
     */
    public void send(PeerId peer, ChatCodec.Direct message, Duration timeout) throws IOException {
        if (context == null) {
            throw new IllegalStateException("the behaviour is not started");
        }
        AtomicBoolean done = new AtomicBoolean();
        Stream[] open = new Stream[1];
        // A watchdog resets the stream when the peer takes too long, which ends the blocking read below.
        Thread watchdog = Thread.ofVirtual().name("chat-dm-timeout").start(() -> {
            try {
                TimeUnit.NANOSECONDS.sleep(timeout.toNanos());
                synchronized (open) {
                    if (!done.get() && open[0] != null) {
                        open[0].reset();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (Stream s = context.openStream(peer, List.of(PROTOCOL_ID))) {
            synchronized (open) {
                open[0] = s;
            }
            LengthPrefixed.write(s.output(), ChatCodec.encode(message));
            s.output().flush();
            s.closeOutput();
            String ack = ChatCodec.decodeAck(LengthPrefixed.read(s.input(), ChatCodec.MAX_BYTES));
            if (!ack.equals(message.id())) {
                throw new ChatFormatException("acknowledged " + ack + ", not " + message.id());
            }
        } finally {
            done.set(true);
            watchdog.interrupt();
        }
    }
}
