package org.jlibp2p.ipfs.bitswap;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.IpfsFormatException;
import org.jlibp2p.ipfs.blockstore.Blockstore;
import org.jlibp2p.ipfs.unixfs.DagPb;
import org.jlibp2p.ipfs.unixfs.UnixFsExporter;

/**
 * One DAG being fetched into the blockstore by Bitswap, from the providers added to it. Blocks already stored are
 * not fetched again (so a fetch cut short resumes where it stopped); every block is checked against its hash; a
 * provider that sends a block it was never asked for is banned from the fetch and disconnected. Made by
 * {@link BitswapBehaviour#newFetch}; {@link #run} blocks until every block of the DAG is stored.
 */
public final class Fetch {
    /** The most blocks a fetched DAG may have (a 1 TiB file in 1 MiB chunks). */
    public static final int MAX_BLOCKS = 1 << 20;

    enum Verdict { WANTED, STALE, UNASKED, UNRELATED }

    private final BitswapBehaviour bitswap;
    private final Cid root;
    private final FetchOptions options;
    private final Consumer<FetchProgress> listener;
    private final Blockstore store;
    private final Scheduler clock;
    private final WantScheduler wants;
    private final Instant started;
    private Instant lastProgress;
    private long bytesDone;
    private long bytesTotal = -1;
    private long bytesFetched;
    private long blocksFetched;
    private long blocksSeen;
    /** Blocks accepted whose children are still being looked up: the fetch is not done while any is. */
    private int expanding;
    private IOException failure;

    Fetch(BitswapBehaviour bitswap, Blockstore store, Scheduler clock, Cid root, FetchOptions options,
            Consumer<FetchProgress> listener) {
        this.bitswap = bitswap;
        this.store = store;
        this.clock = clock;
        this.root = root;
        this.options = options;
        this.listener = listener;
        this.wants = new WantScheduler(options.maxInFlightPerPeer(), options.wantTimeout());
        this.started = clock.now();
        this.lastProgress = started;
    }

    public Cid root() {
        return root;
    }

    /** Adds a provider to ask (a no-op for one banned from this fetch). Thread-safe. */
    public void addProvider(PeerId peer) {
        synchronized (this) {
            wants.addPeer(peer);
            notifyAll();
        }
    }

    /** Blocks received, by provider. */
    public synchronized Map<PeerId, Long> receivedByPeer() {
        return wants.receivedByPeer();
    }

    /** Whether {@code peer} was banned for misbehaving. */
    public synchronized boolean isBanned(PeerId peer) {
        return wants.isBanned(peer);
    }

    /**
     * Fetches every block of the DAG not stored yet; returns once all are stored.
     *
     * @throws IOException when no block arrives for the idle timeout, or the DAG is malformed
     */
    public void run() throws IOException, InterruptedException {
        bitswap.register(this);
        try {
            List<Cid> missing = walkStored(List.of(root));
            synchronized (this) {
                missing.forEach(wants::want);
                report();
            }
            while (true) {
                List<WantScheduler.Request> requests;
                synchronized (this) {
                    if (failure != null) {
                        throw failure;
                    }
                    if (wants.done() && expanding == 0) {
                        report();
                        return;
                    }
                    Instant now = clock.now();
                    if (Duration.between(lastProgress, now).compareTo(options.idleTimeout()) >= 0) {
                        throw new IOException("fetch of " + root + " stalled: no block for " + options.idleTimeout()
                                + " from " + wants.peers().size() + " provider(s), " + wants.remaining()
                                + " block(s) missing");
                    }
                    requests = wants.poll(now);
                }
                for (WantScheduler.Request r : requests) {
                    bitswap.sendWants(this, r);
                }
                synchronized (this) {
                    if (failure == null && !(wants.done() && expanding == 0)) {
                        wait(100);
                    }
                }
            }
        } finally {
            bitswap.unregister(this);
        }
    }

    /** The CIDs under {@code roots} that are not stored, walking down through those that are. */
    private List<Cid> walkStored(List<Cid> roots) throws IOException {
        List<Cid> missing = new ArrayList<>();
        Deque<Cid> todo = new ArrayDeque<>(roots);
        int seen = 0;
        while (!todo.isEmpty()) {
            if (++seen > MAX_BLOCKS) {
                throw new IpfsFormatException("DAG of more than " + MAX_BLOCKS + " blocks");
            }
            Cid c = todo.pop();
            Optional<Block> b = store.get(c);
            if (b.isEmpty()) {
                missing.add(c);
                continue;
            }
            onHeld(b.get(), false);
            List<Cid> children = children(b.get());
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(children.get(i));
            }
        }
        return missing;
    }

    private List<Cid> children(Block b) throws IpfsFormatException {
        return options.rootOnly() ? List.of() : UnixFsExporter.children(b);
    }

    private synchronized void onHeld(Block b, boolean fetched) throws IpfsFormatException {
        blocksSeen++;
        bytesDone += b.data().length;
        if (fetched) {
            bytesFetched += b.data().length;
            blocksFetched++;
        }
        if (b.cid().multihash().equals(root.multihash())) {
            bytesTotal = dagSize(b);
        }
        lastProgress = clock.now();
    }

    private static long dagSize(Block rootBlock) throws IpfsFormatException {
        if (rootBlock.cid().codec() != Multicodec.DAG_PB.code()) {
            return rootBlock.data().length;
        }
        long total = rootBlock.data().length;
        for (DagPb.Link l : DagPb.decode(rootBlock.data()).links()) {
            total += l.tsize().orElse(0L);
        }
        return total;
    }

    synchronized Verdict classify(PeerId peer, Multihash mh) {
        if (wants.wants(mh)) {
            return Verdict.WANTED;
        }
        if (wants.asked(peer, mh)) {
            return Verdict.STALE;
        }
        return wants.peers().contains(peer) || wants.isBanned(peer) ? Verdict.UNASKED : Verdict.UNRELATED;
    }

    /** A verified block, stored already, from {@code peer}. */
    void onBlock(PeerId peer, Block block) {
        synchronized (this) {
            if (!wants.onBlock(peer, block.cid())) {
                return;
            }
            expanding++;
        }
        try {
            onHeld(block, true);
            List<Cid> missing = walkStored(children(block));
            synchronized (this) {
                missing.forEach(wants::want);
                if (blocksSeen + wants.remaining() > MAX_BLOCKS) {
                    throw new IpfsFormatException("DAG of more than " + MAX_BLOCKS + " blocks");
                }
                report();
            }
        } catch (IOException e) {
            fail(e);
        } finally {
            synchronized (this) {
                expanding--;
                notifyAll();
            }
        }
    }

    synchronized void onDontHave(PeerId peer, Cid cid) {
        wants.onDontHave(peer, cid);
        notifyAll();
    }

    synchronized void peerGone(PeerId peer) {
        wants.removePeer(peer);
        notifyAll();
    }

    synchronized void ban(PeerId peer) {
        wants.ban(peer);
        notifyAll();
    }

    synchronized void fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        notifyAll();
    }

    private void report() {
        listener.accept(new FetchProgress(bytesDone, bytesTotal, bytesFetched, blocksFetched, wants.remaining(),
                wants.peers().size(), Duration.between(started, clock.now())));
    }

    static IOException interrupted() {
        return new InterruptedIOException("fetch interrupted");
    }
}
