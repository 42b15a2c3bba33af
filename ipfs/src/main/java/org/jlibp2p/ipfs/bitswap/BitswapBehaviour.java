package org.jlibp2p.ipfs.bitswap;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.blockstore.Blockstore;

/**
 * Bitswap 1.2.0 ({@code /ipfs/bitswap/1.2.0}; 1.1.0 and 1.0.0 accepted too): serves the blockstore's blocks to peers
 * that want them, and fetches DAGs ({@link #newFetch}) from providers. Every message goes on a stream of its own, as
 * js-libp2p's Bitswap sends them; inbound streams may carry any number of messages (go keeps one stream open).
 *
 * <p>A peer that breaks a limit ({@link BitswapLimits}) or sends a malformed message loses its stream; one that sends
 * a block a fetch never asked it for (a block whose bytes do not hash to what it was asked) is banned from that
 * fetch and disconnected.
 */
public final class BitswapBehaviour implements Behaviour {
    private static final Logger LOG = System.getLogger(BitswapBehaviour.class.getName());
    public static final String PROTOCOL_ID = "/ipfs/bitswap/1.2.0";
    /** The protocols served and offered, newest first. */
    public static final List<String> PROTOCOLS =
            List.of(PROTOCOL_ID, "/ipfs/bitswap/1.1.0", "/ipfs/bitswap/1.0.0", "/ipfs/bitswap");
    /** Messages read from one inbound stream at most (go keeps one stream per peer; it is reopened past this). */
    static final int MAX_MESSAGES_PER_STREAM = 1 << 20;

    private final Blockstore store;
    private final BitswapConfig config;
    private final ServerLedger ledger;
    private final Set<Fetch> fetches = ConcurrentHashMap.newKeySet();
    private final AtomicLong blocksSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong blocksReceived = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong badBlocks = new AtomicLong();
    private volatile BehaviourContext context;

    public BitswapBehaviour(Blockstore store, BitswapConfig config) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.ledger = new ServerLedger(config.limits().maxWantsPerPeer());
    }

    public BitswapBehaviour(Blockstore store) {
        this(store, BitswapConfig.defaults());
    }

    public Blockstore blockstore() {
        return store;
    }

    /** Blocks sent to peers so far. */
    public long blocksSent() {
        return blocksSent.get();
    }

    /** Bytes of the blocks sent to peers so far (block data, without framing). */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Blocks received that a fetch wanted, and stored. */
    public long blocksReceived() {
        return blocksReceived.get();
    }

    /** Bytes of the blocks received that a fetch wanted (block data, without framing). */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Peers caught sending blocks they were not asked for. */
    public long badBlocks() {
        return badBlocks.get();
    }

    @Override
    public void start(BehaviourContext ctx) {
        this.context = ctx;
        PROTOCOLS.forEach(ctx::serve);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        return this::handleInbound;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (event instanceof SwarmEvent.ConnectionClosed closed) {
            PeerId peer = closed.connection().remotePeer();
            boolean still = context.connections().stream().anyMatch(c -> c.remotePeer().equals(peer));
            if (!still) {
                synchronized (ledger) {
                    ledger.peerGone(peer);
                }
                fetches.forEach(f -> f.peerGone(peer));
            }
        }
    }

    /**
     * A fetch of the DAG under {@code root} into the blockstore; add providers to it, then {@link Fetch#run} it.
     * {@code progress} is called on the fetch's threads as blocks arrive.
     */
    public Fetch newFetch(Cid root, FetchOptions options, Consumer<FetchProgress> progress) {
        BehaviourContext c = context;
        if (c == null) {
            throw new IllegalStateException("the behaviour is not started");
        }
        return new Fetch(this, store, c.scheduler(), root, options, progress);
    }

    /** This node's peer id. */
    public PeerId localPeer() {
        return context.localPeer();
    }

    /** Remembers where {@code peer} may be reached, for the fetches that ask it. */
    public void addAddresses(PeerId peer, java.util.Collection<org.jlibp2p.core.multiaddr.Multiaddr> addresses) {
        context.peerstore().addAddresses(peer, addresses);
    }

    void register(Fetch f) {
        fetches.add(f);
    }

    void unregister(Fetch f) {
        fetches.remove(f);
    }

    /** Sends a fetch's wants and cancels to a peer, on a thread of its own; a peer that cannot be reached leaves. */
    void sendWants(Fetch f, WantScheduler.Request r) {
        List<BitswapMessage.Entry> entries = new ArrayList<>();
        r.cancels().forEach(c -> entries.add(BitswapMessage.Entry.cancel(c)));
        int priority = Integer.MAX_VALUE;
        for (Cid c : r.wantBlocks()) {
            entries.add(BitswapMessage.Entry.wantBlock(c, priority--));
        }
        context.spawn("bitswap-want-" + r.peer(), () -> {
            try {
                for (int i = 0; i < entries.size(); i += config.limits().maxWantlistEntries()) {
                    send(r.peer(), BitswapMessage.wants(
                            entries.subList(i, Math.min(entries.size(), i + config.limits().maxWantlistEntries()))));
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "cannot send wants to {0}: {1}", r.peer(), e.toString());
                f.peerGone(r.peer());
            }
        });
    }

    private void send(PeerId peer, BitswapMessage m) throws IOException {
        try (Stream s = context.openStream(peer, PROTOCOLS)) {
            BitswapCodec.write(s.output(), m);
            s.output().flush();
            // Counted once written: a peer that hangs up as soon as it has read (one banning a forger) may make the
            // end of the stream fail, after it got every block.
            blocksSent.addAndGet(m.blocks().size());
            for (Block b : m.blocks()) {
                bytesSent.addAndGet(b.data().length);
            }
            s.closeOutput();
        }
    }

    private void handleInbound(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        for (int i = 0; i < MAX_MESSAGES_PER_STREAM; i++) {
            BitswapMessage m;
            try {
                m = BitswapCodec.read(stream.input(), config.limits());
            } catch (BitswapProtocolException e) {
                LOG.log(Level.DEBUG, "bad message from {0}: {1}", peer, e.getMessage());
                throw e;
            }
            if (m == null) {
                return;
            }
            onMessage(peer, m);
        }
    }

    private void onMessage(PeerId peer, BitswapMessage m) throws IOException {
        for (Block b : m.blocks()) {
            onBlock(peer, b);
        }
        for (BitswapMessage.Presence p : m.presences()) {
            if (!p.have()) {
                fetches.forEach(f -> f.onDontHave(peer, p.cid()));
            }
        }
        if (!m.wantlist().isEmpty() || m.full()) {
            ServerLedger.Answer a;
            synchronized (ledger) {
                a = ledger.onWantlist(peer, m.wantlist(), m.full(), store::size);
            }
            if (!a.isEmpty()) {
                answer(peer, a.blocks(), a.presences());
            }
        }
    }

    /** Stores a block a peer sent if a fetch wants it; bans and disconnects a peer that sends what it was not asked. */
    private void onBlock(PeerId peer, Block b) throws IOException {
        boolean wanted = false;
        boolean unasked = false;
        for (Fetch f : fetches) {
            switch (f.classify(peer, b.cid().multihash())) {
                case WANTED -> wanted = true;
                case UNASKED -> unasked = true;
                case STALE, UNRELATED -> { }
            }
        }
        if (wanted) {
            store.put(b);
            blocksReceived.incrementAndGet();
            bytesReceived.addAndGet(b.data().length);
            for (Fetch f : fetches) {
                f.onBlock(peer, b);
            }
            List<PeerId> waiting;
            synchronized (ledger) {
                waiting = ledger.onNewBlock(b.cid());
            }
            for (PeerId p : waiting) {
                context.spawn("bitswap-serve-" + p, () -> answer(p, List.of(b.cid()), List.of()));
            }
        } else if (unasked) {
            badBlocks.incrementAndGet();
            fetches.forEach(f -> f.ban(peer));
            context.disconnect(peer);
            throw new BitswapProtocolException("block " + b.cid() + " from " + peer + " was never asked of it");
        }
    }

    /** Sends blocks and presences to {@code peer}, in messages within the size limit. */
    private void answer(PeerId peer, List<Cid> cids, List<BitswapMessage.Presence> presences) throws IOException {
        List<Block> batch = new ArrayList<>();
        List<BitswapMessage.Presence> extra = new ArrayList<>(presences);
        long size = 0;
        int max = config.limits().maxMessageSize() - 64 * 1024;
        for (Cid c : cids) {
            Optional<Block> b = store.get(c);
            if (b.isEmpty()) {
                extra.add(new BitswapMessage.Presence(c, false));
                continue;
            }
            Block block = new Block(c, b.get().data());
            if (!batch.isEmpty() && size + BitswapCodec.blockOverhead(block) > max) {
                flush(peer, batch, List.of());
                batch = new ArrayList<>();
                size = 0;
            }
            batch.add(block);
            size += BitswapCodec.blockOverhead(block);
        }
        if (!batch.isEmpty() || !extra.isEmpty()) {
            flush(peer, batch, extra);
        }
    }

    private void flush(PeerId peer, List<Block> blocks, List<BitswapMessage.Presence> presences) throws IOException {
        send(peer, new BitswapMessage(List.of(), false, blocks, presences, 0));
    }
}
