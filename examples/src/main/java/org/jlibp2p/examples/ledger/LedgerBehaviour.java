package org.jlibp2p.examples.ledger;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;

/**
 * The ledger's two request-response protocols, as one behaviour:
 *
 * <ul>
 *   <li>{@value #STATUS_PROTOCOL}: when a connection opens, its dialer sends its {@link LedgerCodec.Status} (height
 *       and head hash) and reads the other's; whichever side is behind then fetches what it misses;
 *   <li>{@value #BLOCKS_PROTOCOL}: one {@link LedgerCodec.Range} request per stream, answered by up to
 *       {@link LedgerCodec#MAX_RANGE} blocks, one frame each, then the end of the stream.
 * </ul>
 *
 * <p>The behaviour's state (which peers a fetch is running from) lives on its thread; the chain is shared and
 * thread-safe. Blocking work (the handshake, a fetch) runs on handler threads or {@code context.spawn}.
 */
public final class LedgerBehaviour implements Behaviour {
    public static final String STATUS_PROTOCOL = "/jlibp2p/ledger/status/1.0.0";
    public static final String BLOCKS_PROTOCOL = "/jlibp2p/ledger/blocks/1.0.0";
    /** How long a fetch may run before it gives up (it resumes at the next handshake or gossiped block). */
    public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

    private final Chain chain;
    private BehaviourContext context;
    private final Map<Long, HandlerContext> connections = new HashMap<>(); // by connection id; behaviour's thread
    private final Set<PeerId> fetching = new HashSet<>(); // behaviour's thread

    public LedgerBehaviour(Chain chain) {
        this.chain = chain;
    }

    public Chain chain() {
        return chain;
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        context.serve(STATUS_PROTOCOL);
        context.serve(BLOCKS_PROTOCOL);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext connection) {
        connections.put(connection.connection().id(), connection);
        return stream -> {
            switch (stream.protocol()) {
                case STATUS_PROTOCOL -> answerStatus(stream);
                case BLOCKS_PROTOCOL -> serveBlocks(stream);
                default -> stream.reset();
            }
        };
    }

    @Override
    public void onEvent(SwarmEvent event) {
        switch (event) {
            case SwarmEvent.ConnectionEstablished e when e.connection().direction() == Direction.OUTBOUND -> {
                HandlerContext hc = connections.get(e.connection().id());
                if (hc != null) {
                    hc.spawn("ledger-status", () -> sendStatus(hc));
                }
            }
            case SwarmEvent.ConnectionClosed c -> connections.remove(c.connection().id());
            default -> {}
        }
    }

    /**
     * Fetches the blocks after our head from {@code peer}, which says it is at {@code height}, unless a fetch from
     * it runs already. Any thread; never blocks.
     */
    public void catchUp(PeerId peer, long height) {
        context.execute(() -> {
            if (height > chain.height() && fetching.add(peer)) {
                context.spawn("ledger-fetch", () -> {
                    try {
                        fetch(peer, height);
                    } finally {
                        context.execute(() -> fetching.remove(peer));
                    }
                });
            }
        });
    }

    // --- the status handshake ------------------------------------------------------------------------------------

    private void sendStatus(HandlerContext hc) throws IOException {
        try (Stream s = hc.openStream(List.of(STATUS_PROTOCOL))) {
            LengthPrefixed.write(s.output(), LedgerCodec.encode(chain.status()));
            s.output().flush();
            s.closeOutput();
            heard(s.remotePeer(), LedgerCodec.decodeStatus(LengthPrefixed.read(s.input(), LedgerCodec.STATUS_BYTES)));
        }
    }

    private void answerStatus(Stream s) throws IOException {
        LedgerCodec.Status theirs = LedgerCodec.decodeStatus(LengthPrefixed.read(s.input(), LedgerCodec.STATUS_BYTES));
        LengthPrefixed.write(s.output(), LedgerCodec.encode(chain.status()));
        s.output().flush();
        s.closeOutput();
        heard(s.remotePeer(), theirs);
    }

    private void heard(PeerId peer, LedgerCodec.Status status) {
        context.emit(new LedgerEvent.PeerStatus(peer, status));
        catchUp(peer, status.height());
    }

    // --- blocks by range -----------------------------------------------------------------------------------------

    /** Serves one request. A request frame over its size, or malformed, throws: the stream is reset. */
    private void serveBlocks(Stream s) throws IOException {
        LedgerCodec.Range range = LedgerCodec.decodeRange(LengthPrefixed.read(s.input(), LedgerCodec.RANGE_BYTES));
        for (Block b : chain.range(range)) {
            LengthPrefixed.write(s.output(), LedgerCodec.encode(b));
        }
        s.output().flush();
        s.closeOutput();
    }

    private void fetch(PeerId peer, long target) throws IOException {
        Instant deadline = context.scheduler().now().plus(FETCH_TIMEOUT);
        int appended = 0;
        // Each round asks for the next MAX_RANGE blocks and must append at least one: the loop is bounded by the
        // target height, and by the deadline.
        while (chain.height() < target && context.scheduler().now().isBefore(deadline)) {
            long from = chain.height() + 1;
            int count = (int) Math.min(LedgerCodec.MAX_RANGE, target - from + 1);
            int got = 0;
            try (Stream s = context.openStream(peer, List.of(BLOCKS_PROTOCOL))) {
                LengthPrefixed.write(s.output(), LedgerCodec.encode(new LedgerCodec.Range(from, count)));
                s.output().flush();
                s.closeOutput();
                for (int i = 0; i < count; i++) {
                    Block b;
                    try {
                        b = LedgerCodec.decodeBlock(LengthPrefixed.read(s.input(), LedgerCodec.MAX_BLOCK_BYTES));
                    } catch (EOFException end) {
                        break;
                    }
                    Chain.Append result = chain.append(b);
                    if (result == Chain.Append.APPENDED) {
                        got++;
                    } else if (result != Chain.Append.KNOWN) {
                        s.reset();
                        context.emit(new LedgerEvent.SyncFailed(peer, "block " + b.height() + ": " + result));
                        return;
                    }
                }
            } catch (IOException e) {
                context.emit(new LedgerEvent.SyncFailed(peer, e.toString()));
                return;
            }
            if (got == 0) {
                break; // the peer has nothing more for us (or we caught up by gossip meanwhile)
            }
            appended += got;
        }
        if (appended > 0) {
            context.emit(new LedgerEvent.Synced(peer, appended, chain.height()));
        }
    }
}
