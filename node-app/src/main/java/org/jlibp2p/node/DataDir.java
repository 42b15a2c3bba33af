package org.jlibp2p.node;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.crypto.KeyFiles;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.KademliaEvent;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.kademlia.record.ProviderStore;
import org.jlibp2p.kademlia.record.RecordStore;

/**
 * The daemon's data directory ({@code -dataDir}): what a node keeps across restarts.
 *
 * <pre>
 * &lt;dataDir&gt;/lock                    held while a daemon uses the directory: a second one fails to start
 * &lt;dataDir&gt;/identity.key            the private key, made at first start (the format of -id); -id wins
 * &lt;dataDir&gt;/peerstore/peers.snapshot addresses with their expiry, protocols, keys ({@link PeerstoreSnapshot})
 * &lt;dataDir&gt;/dht/records.log         DHT records and provider records ({@link DhtLog})
 * &lt;dataDir&gt;/dht/routing-table.snapshot the DHT's routing table ({@link RoutingTableSnapshot})
 * </pre>
 *
 * ({@code <dataDir>/blocks/} belongs to the blockstore.) Everything is the owner's only: directories 0700, files
 * 0600.
 */
final class DataDir implements Closeable {
    private static final System.Logger LOG = System.getLogger(DataDir.class.getName());
    static final String IDENTITY = "identity.key";
    /** How often a changed peerstore is written at most. */
    static final Duration SNAPSHOT_INTERVAL = Duration.ofSeconds(1);

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final PeerstoreSnapshot peerstore;
    private DhtLog dht;
    private KademliaBehaviour kad;
    private RoutingTableSnapshot table;
    private List<PeerInfo> tableSaved = List.of(); // guarded by this
    private final AtomicBoolean closed = new AtomicBoolean();

    private DataDir(Path dir, FileChannel lockChannel, FileLock lock) throws IOException {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.peerstore = new PeerstoreSnapshot(dir.resolve("peerstore"));
    }

    /** Opens {@code dir}, creating it, and locks it for this daemon. */
    static DataDir open(Path dir) throws IOException {
        AtomicFiles.ownerDirectory(dir);
        if (AtomicFiles.posix(dir)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            if (!AtomicFiles.OWNER_DIR.containsAll(perms)) {
                LOG.log(System.Logger.Level.WARNING, "-dataDir {0} is open to other users ({1}); it holds the"
                        + " node''s private key", dir, perms);
            }
        }
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileChannel ch = AtomicFiles.posix(dir)
                ? FileChannel.open(dir.resolve("lock"), options,
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_FILE))
                : FileChannel.open(dir.resolve("lock"), options);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("-dataDir: " + dir + " is in use by another daemon (it holds " + dir.resolve("lock")
                    + "); give each daemon a directory of its own");
        }
        try {
            return new DataDir(dir, ch, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    Path path() {
        return dir;
    }

    /** The key in {@code identity.key}; made and written there (0600) at first start. */
    PrivateKey identity() throws IOException {
        Path file = dir.resolve(IDENTITY);
        if (Files.exists(file)) {
            try {
                return KeyFiles.load(file);
            } catch (IOException e) {
                throw new IOException("-dataDir: cannot load " + file + ": " + e.getMessage(), e);
            }
        }
        PrivateKey key = Keys.generateEd25519().privateKey();
        AtomicFiles.write(file, key.marshal());
        return key;
    }

    /** Puts the last peerstore snapshot back into the node's peerstore; returns the peers restored. */
    int restorePeerstore(Swarm swarm) throws IOException {
        return peerstore.restore(swarm.peerstore(), Instant.now());
    }

    /**
     * Keeps the DHT's records in the log under {@code dht/}, loading what it held, and its routing table beside it,
     * seeding the table from the last one saved (whose peers the DHT checks before they count). Before the DHT
     * starts.
     */
    void attach(KademliaBehaviour kad) throws IOException {
        dht = DhtLog.open(dir.resolve("dht"), Instant.now());
        RecordStore records = RecordStore.defaults();
        ProviderStore providers = ProviderStore.defaults();
        dht.attach(records, providers);
        kad.useStores(records, providers);
        table = new RoutingTableSnapshot(dir.resolve("dht"));
        List<PeerInfo> saved = table.load(kad.routingTableCapacity());
        synchronized (this) {
            this.kad = kad;
            tableSaved = saved;
        }
        if (!saved.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "checking the {0} peers of the saved routing table", saved.size());
            kad.seed(saved);
        }
    }

    /**
     * Writes the DHT's routing table if it changed since the last write. An empty table is not written over a saved
     * one: a node that found none of its saved peers keeps them for its next start.
     */
    synchronized void saveRoutingTable() throws IOException {
        if (kad == null) {
            return;
        }
        List<PeerInfo> now = kad.routingTableSnapshot();
        if (now.isEmpty() || now.equals(tableSaved)) {
            return;
        }
        table.save(now);
        tableSaved = now;
    }

    /** How long {@link #reprovide} waits for the DHT's first peer. */
    static final Duration REPROVIDE_WAIT = Duration.ofMinutes(10);

    /**
     * Announces again, in the background, what this node provided before it restarted (its own provider records
     * in the log), so that they keep being republished: once the routing table has a peer (checked every second
     * for at most {@link #REPROVIDE_WAIT}), or, failing that, with the DHT's next republish.
     */
    void reprovide(KademliaBehaviour kad, Swarm swarm) {
        if (dht == null) {
            return;
        }
        List<byte[]> keys = dht.loaded().providers().stream()
                .filter(e -> e.getValue().provider().equals(swarm.localPeer())).map(java.util.Map.Entry::getKey)
                .toList();
        if (keys.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("dht-reprovide").start(() -> {
            try {
                long end = System.nanoTime() + REPROVIDE_WAIT.toNanos();
                while (kad.routingTableSize() == 0 && System.nanoTime() < end && !swarm.isClosed()) {
                    Thread.sleep(1000);
                }
            } catch (InterruptedException | RuntimeException e) {
                return;
            }
            int announced = 0;
            for (byte[] k : keys) {
                try {
                    kad.provide(k);
                    announced++;
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "re-providing a key after restart failed: " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
            LOG.log(System.Logger.Level.INFO, "announced again {0} of {1} keys this node provided before it"
                    + " restarted", announced, keys.size());
        });
    }

    /** Writes the peerstore now. */
    void savePeerstore(Swarm swarm) throws IOException {
        peerstore.save(swarm.peerstore(), Set.copyOf(swarm.connectedPeers()), swarm.localPeer(), Instant.now());
    }

    /**
     * Writes the peerstore and the routing table one last time before the node closes its connections (as they
     * close, the peers of requests cut short would leave the table), if the node keeps them ({@code -dataDir}); the
     * routing table is not written again after this.
     */
    static void beforeClose(Swarm swarm) throws IOException {
        Optional<PeerstoreWriter> w = swarm.behaviour(PeerstoreWriter.class);
        if (w.isPresent() && !swarm.isClosed()) {
            w.get().closing.set(true);
            w.get().data.savePeerstore(swarm);
            w.get().data.saveRoutingTable();
        }
    }

    /**
     * Writes the peerstore now if the node keeps one ({@code -dataDir}): CONNECT calls this before its OK, so that
     * the addresses it was given are on disk when the client hears the answer.
     */
    static void persistPeerstore(Swarm swarm) throws IOException {
        Optional<PeerstoreWriter> w = swarm.behaviour(PeerstoreWriter.class);
        if (w.isPresent()) {
            w.get().data.savePeerstore(swarm);
        }
    }

    /** A behaviour that writes the peerstore when it changed (at most every {@link #SNAPSHOT_INTERVAL}). */
    Behaviour snapshots(Swarm swarm) {
        return new PeerstoreWriter(this, swarm);
    }

    /**
     * Writes the peerstore and the DHT's routing table when they changed, and the peerstore at stop; then releases
     * the directory.
     */
    static final class PeerstoreWriter implements Behaviour {
        private final DataDir data;
        private final Swarm swarm;
        private BehaviourContext ctx;
        private final AtomicBoolean dirty = new AtomicBoolean(true);
        private final AtomicBoolean writing = new AtomicBoolean();
        private final AtomicBoolean closing = new AtomicBoolean();

        PeerstoreWriter(DataDir data, Swarm swarm) {
            this.data = data;
            this.swarm = swarm;
        }

        @Override
        public void start(BehaviourContext context) {
            this.ctx = context;
            context.every(SNAPSHOT_INTERVAL, this::maybeWrite);
        }

        @Override
        public void onEvent(SwarmEvent event) {
            switch (event) {
                case SwarmEvent.Emitted(KademliaEvent.SavedPeersChecked c) -> {
                    LOG.log(System.Logger.Level.INFO, "{0} of the {1} peers of the saved routing table answered;"
                            + " the others are dropped ({2} peers in the table)", c.answered(), c.checked(),
                            c.tableSize());
                    dirty.set(true);
                }
                case SwarmEvent.ConnectionEstablished _, SwarmEvent.ConnectionClosed _,
                        SwarmEvent.Emitted _ -> dirty.set(true);
                default -> { }
            }
        }

        private void maybeWrite() {
            if (!dirty.get() || !writing.compareAndSet(false, true)) {
                return;
            }
            dirty.set(false);
            ctx.spawn("peerstore-snapshot", () -> {
                try {
                    data.savePeerstore(swarm);
                    if (!closing.get()) {
                        data.saveRoutingTable();
                    }
                } catch (IOException e) {
                    dirty.set(true);
                    LOG.log(System.Logger.Level.WARNING, "cannot write the peerstore or routing table snapshot: "
                            + e.getMessage());
                } finally {
                    writing.set(false);
                }
            });
        }

        @Override
        public void stop() {
            try {
                data.savePeerstore(swarm);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot write the peerstore snapshot: " + e.getMessage());
            } finally {
                data.close();
            }
        }
    }

    /** Closes the DHT log and releases the directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (dht != null) {
                dht.close();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the DHT log failed: " + e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "releasing the data directory lock: " + e);
        }
    }

}
