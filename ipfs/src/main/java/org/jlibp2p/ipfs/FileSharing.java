package org.jlibp2p.ipfs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.ipfs.bitswap.BitswapBehaviour;
import org.jlibp2p.ipfs.bitswap.Fetch;
import org.jlibp2p.ipfs.bitswap.FetchOptions;
import org.jlibp2p.ipfs.bitswap.FetchProgress;
import org.jlibp2p.ipfs.unixfs.DirectoryExporter;
import org.jlibp2p.ipfs.unixfs.DirectoryImporter;
import org.jlibp2p.ipfs.unixfs.ImportOptions;
import org.jlibp2p.ipfs.unixfs.UnixFsExporter;
import org.jlibp2p.ipfs.unixfs.UnixFsImporter;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.PeerInfo;

/**
 * Files by content id, as IPFS shares them: {@link #add} imports a file into the blockstore as a UnixFS DAG and
 * announces its root in the DHT (provider records keyed by the root's multihash); {@link #get} finds providers (in
 * the DHT and among the peers given), fetches the DAG from all of them at once with Bitswap, and writes the file.
 * Directory trees too: {@link #addDirectory} imports one, {@link #get(Cid, String, Path, GetOptions, Consumer)} writes
 * a tree or the file or directory at a path under the root. Blocking calls, for the application's threads.
 */
public final class FileSharing {
    private static final Logger LOG = System.getLogger(FileSharing.class.getName());
    private final BitswapBehaviour bitswap;
    private final Optional<KademliaBehaviour> dht;

    public FileSharing(BitswapBehaviour bitswap, Optional<KademliaBehaviour> dht) {
        this.bitswap = Objects.requireNonNull(bitswap, "bitswap");
        this.dht = Objects.requireNonNull(dht, "dht");
    }

    /** Where to look for providers and how to fetch: peers to ask, whether to ask the DHT, how many providers. */
    public record GetOptions(List<PeerInfo> peers, boolean useDht, int maxProviders, Duration dhtTimeout,
            FetchOptions fetch) {
        public GetOptions {
            peers = List.copyOf(peers);
        }

        public static GetOptions defaults() {
            return new GetOptions(List.of(), true, 20, Duration.ofSeconds(60), FetchOptions.defaults());
        }

        public GetOptions withPeers(List<PeerInfo> p) {
            return new GetOptions(p, useDht, maxProviders, dhtTimeout, fetch);
        }

        public GetOptions withDht(boolean use) {
            return new GetOptions(peers, use, maxProviders, dhtTimeout, fetch);
        }

        public GetOptions withFetch(FetchOptions f) {
            return new GetOptions(peers, useDht, maxProviders, dhtTimeout, f);
        }
    }

    /** Imports {@code file} and announces its root; returns the root's CID, the size and the block count. */
    public UnixFsImporter.Result add(Path file, ImportOptions options) throws IOException, InterruptedException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            return add(in, options);
        }
    }

    public UnixFsImporter.Result add(InputStream in, ImportOptions options) throws IOException, InterruptedException {
        UnixFsImporter.Result r = UnixFsImporter.importFile(in, options, bitswap.blockstore());
        provide(r.root());
        return r;
    }

    /** Imports the tree under {@code dir} (see {@link DirectoryImporter}) and announces its root. */
    public DirectoryImporter.Result addDirectory(Path dir, ImportOptions options)
            throws IOException, InterruptedException {
        DirectoryImporter.Result r = DirectoryImporter.importDirectory(dir, options, bitswap.blockstore());
        provide(r.root());
        return r;
    }

    /** Announces {@code cid} as provided by this node in the DHT (nothing without a DHT); returns the peers told. */
    public int provide(Cid cid) throws InterruptedException {
        if (dht.isEmpty()) {
            return 0;
        }
        try {
            return dht.get().provide(cid.multihash().bytes(), Duration.ofSeconds(60));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "announcing {0}: {1}", cid, e.toString());
            return 0;
        }
    }

    /** Fetches the DAG under {@code root} into the blockstore (what is stored already is not fetched again). */
    public Fetch fetch(Cid root, GetOptions options, Consumer<FetchProgress> progress)
            throws IOException, InterruptedException {
        return fetch(root, root, options, progress);
    }

    /** Fetches the DAG under {@code cid}, part of the DAG under {@code root}, from the providers of {@code root}. */
    private Fetch fetch(Cid cid, Cid root, GetOptions options, Consumer<FetchProgress> progress)
            throws IOException, InterruptedException {
        Fetch f = bitswap.newFetch(cid, options.fetch(), progress);
        for (PeerInfo p : options.peers()) {
            bitswap.addAddresses(p.peer(), p.addresses());
            f.addProvider(p.peer());
        }
        Thread finder = null;
        if (options.useDht() && dht.isPresent()) {
            finder = Thread.ofVirtual().name("providers-" + root).start(() -> {
                try {
                    dht.get().findProviders(root.multihash().bytes(), options.maxProviders(), options.dhtTimeout(),
                            info -> {
                                if (!info.peer().equals(bitswap.localPeer())) {
                                    bitswap.addAddresses(info.peer(), info.addresses());
                                    f.addProvider(info.peer());
                                }
                            });
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "finding providers of {0}: {1}", root, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            f.run();
        } finally {
            if (finder != null) {
                finder.interrupt();
            }
        }
        return f;
    }

    /**
     * Fetches the file under {@code root} and writes it to {@code out} (through a temporary file renamed into place);
     * returns its size.
     */
    public long get(Cid root, Path out, GetOptions options, Consumer<FetchProgress> progress)
            throws IOException, InterruptedException {
        return get(root, "", out, options, progress).bytes();
    }

    /**
     * Writes what {@code path} names under {@code root} ({@code ""} for the root itself) to {@code out}: walks the
     * path fetching only the directory blocks it passes through, then fetches the DAG it ends at (every block
     * verified; what is stored already is not fetched again, so an interrupted get resumes). A file replaces
     * {@code out} through a temporary file; a directory is written as a new tree at {@code out}, which must not exist
     * (see {@link DirectoryExporter#export}).
     */
    public DirectoryExporter.Result get(Cid root, String path, Path out, GetOptions options,
            Consumer<FetchProgress> progress) throws IOException, InterruptedException {
        Cid target = resolve(root, path, options);
        fetch(target, root, options, progress);
        if (DirectoryExporter.kind(target, bitswap.blockstore()::get) != DirectoryExporter.Kind.FILE) {
            return DirectoryExporter.export(target, bitswap.blockstore()::get, out);
        }
        return new DirectoryExporter.Result(DirectoryExporter.Kind.FILE, 1, 0, writeFile(target, out));
    }

    /**
     * The CID {@code path} names under {@code root}, fetching the blocks of the directories (and their shards) on the
     * way that are not stored, each alone.
     */
    public Cid resolve(Cid root, String path, GetOptions options) throws IOException, InterruptedException {
        if (path.chars().allMatch(c -> c == '/')) {
            return root;
        }
        GetOptions one = options.withFetch(options.fetch().withRootOnly(true));
        try {
            return DirectoryExporter.resolve(root, path, cid -> {
                Optional<org.jlibp2p.ipfs.Block> b = bitswap.blockstore().get(cid);
                if (b.isPresent()) {
                    return b;
                }
                try {
                    fetch(cid, root, one, p -> { });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted fetching " + cid);
                }
                return bitswap.blockstore().get(cid);
            });
        } catch (java.io.InterruptedIOException e) {
            throw new InterruptedException(e.getMessage());
        }
    }

    private long writeFile(Cid root, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, out.getFileName().toString(), ".part");
        try {
            long n;
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                n = export(root, o);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return n;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the file under {@code root}, which must be stored, to {@code out}; returns its size. */
    public long export(Cid root, OutputStream out) throws IOException {
        return UnixFsExporter.export(root, bitswap.blockstore()::get, out);
    }
}
