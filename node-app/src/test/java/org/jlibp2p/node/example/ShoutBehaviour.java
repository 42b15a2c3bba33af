package org.jlibp2p.node.example;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.BehaviourEvent;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.SendQueue;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;

/**
 * The second behaviour the README shows, one that keeps state per connection: every line the application shouts
 * goes to every connected peer. Each connection's handler holds a bounded {@link SendQueue}, drained into one
 * long-lived outbound stream (opened on first use); lines that do not fit the queue of a slow peer are dropped for
 * that peer and counted. Lines received become {@link Heard} events. The handler asks to keep its connection open.
 */
final class ShoutBehaviour implements Behaviour {
    static final String PROTOCOL_ID = "/example/shout/1.0.0";
    static final int QUEUE = 64;
    static final int MAX_LINE = 1024;

    /** A line a peer shouted. */
    record Heard(PeerId from, String line) implements BehaviourEvent {}

    private BehaviourContext context;
    private final Map<Long, Handler> handlers = new HashMap<>(); // confined to the behaviour's thread
    final AtomicLong dropped = new AtomicLong();

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext connection) {
        Handler h = new Handler(connection);
        handlers.put(connection.connection().id(), h);
        return h;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (event instanceof SwarmEvent.ConnectionClosed c) {
            handlers.remove(c.connection().id());
        }
    }

    /** Sends {@code line} to every connected peer; callable from any thread, never blocks. */
    void shout(String line) {
        if (line.length() > MAX_LINE || line.contains("\n")) {
            throw new IllegalArgumentException("one line of at most " + MAX_LINE + " characters");
        }
        context.execute(() -> handlers.values().forEach(h -> h.send(line)));
    }

    /** The per-connection room: a bounded send queue drained into one kept stream, and the lines heard. */
    private final class Handler implements ConnectionHandler {
        private final HandlerContext context;
        private final SendQueue<String> queue;

        Handler(HandlerContext context) {
            this.context = context;
            this.queue = new SendQueue<>(context, List.of(PROTOCOL_ID), QUEUE,
                    (line, out) -> out.write((line + "\n").getBytes(StandardCharsets.UTF_8)));
            context.keepAlive(true);
        }

        /** Called on the behaviour's thread: never blocks; a line that does not fit is dropped and counted. */
        void send(String line) {
            if (!queue.offer(line)) {
                dropped.incrementAndGet();
            }
        }

        @Override
        public void handleInbound(Stream stream) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(stream.input(), StandardCharsets.UTF_8),
                    MAX_LINE + 2);
            PeerId from = stream.remotePeer();
            String line;
            while ((line = readBoundedLine(in)) != null) {
                String heard = line;
                context.toBehaviour(() -> ShoutBehaviour.this.context.emit(new Heard(from, heard)));
            }
        }

        /** A line of at most MAX_LINE characters; a longer one costs the peer its stream. */
        private static String readBoundedLine(BufferedReader in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    return sb.toString();
                }
                if (sb.length() == MAX_LINE) {
                    throw new IOException("line longer than " + MAX_LINE + " characters");
                }
                sb.append((char) c);
            }
            return sb.isEmpty() ? null : sb.toString();
        }
    }
}
