package org.jlibp2p.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.ipfs.FileSharing;
import org.jlibp2p.ipfs.bitswap.FetchOptions;
import org.jlibp2p.ipfs.bitswap.FetchProgress;
import org.jlibp2p.ipfs.unixfs.DirectoryExporter;
import org.jlibp2p.ipfs.unixfs.DirectoryImporter;
import org.jlibp2p.ipfs.unixfs.ImportOptions;
import org.jlibp2p.ipfs.unixfs.UnixFsImporter;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.node.control.ControlRequest.FilesAdd;
import org.jlibp2p.node.control.ControlRequest.FilesGet;
import org.jlibp2p.node.control.ControlRequest.FilesRequest;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.FilesCodec;

/**
 * The FILES requests (a jlibp2p extension of the control protocol), served by the node's {@link FileSharing}
 * ({@code p2pd -bitswap}): ADD imports a file or a directory tree and announces it, GET fetches one (or what a path
 * under it names) and writes it, streaming its progress. Without {@code -bitswap} every request is answered
 * "bitswap not enabled".
 */
final class FilesControl {
    static final String NOT_ENABLED = "bitswap not enabled (start p2pd with -bitswap)";
    /** Progress messages a GET sends at most a second. */
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final Optional<FileSharing> files;

    FilesControl(Optional<FileSharing> files) {
        this.files = files;
    }

    /**
     * The node's file sharing when {@code enabled} ({@code -bitswap}): a blockstore in {@code dir} (or
     * {@code ~/.jlibp2p/blocks}) and Bitswap added to {@code swarm}, announcing in {@code dht} when there is one.
     */
    static Optional<FileSharing> fileSharing(boolean enabled, String dir, org.jlibp2p.core.swarm.Swarm swarm,
            Optional<org.jlibp2p.kademlia.KademliaBehaviour> dht) throws IOException {
        if (!enabled) {
            return Optional.empty();
        }
        Path root = dir.isEmpty() ? Path.of(System.getProperty("user.home"), ".jlibp2p", "blocks") : Path.of(dir);
        org.jlibp2p.ipfs.bitswap.BitswapBehaviour bitswap = new org.jlibp2p.ipfs.bitswap.BitswapBehaviour(
                new org.jlibp2p.ipfs.blockstore.FileBlockstore(root));
        swarm.addBehaviour(bitswap);
        return Optional.of(new FileSharing(bitswap, dht));
    }

    /** Answers {@code req} on {@code client}. Throws only when the client cannot be written to. */
    void handle(FilesRequest req, Duplex client) throws IOException {
        if (files.isEmpty()) {
            ControlServer.respond(client, new ControlResponse.Error(NOT_ENABLED));
            return;
        }
        try {
            switch (req) {
                case FilesAdd a -> {
                    ImportOptions o = a.cidVersion() == 0 ? ImportOptions.kuboClassic() : ImportOptions.helia();
                    o = o.withCidVersion(a.cidVersion()).withRawLeaves(a.rawLeaves());
                    if (a.chunkSize() > 0) {
                        o = o.withChunkSize(a.chunkSize());
                    }
                    Path p = Path.of(a.path());
                    if (Files.isDirectory(p)) {
                        DirectoryImporter.Result r = files.get().addDirectory(p, o);
                        LengthPrefixed.write(client.output(), FilesCodec.encodeProgress(new FilesCodec.Progress(
                                r.root(), r.bytes(), r.blocks(), r.bytes(), r.bytes(), 0, 0, java.time.Duration.ZERO,
                                true).withTree(r.files(), r.directories())));
                    } else {
                        UnixFsImporter.Result r = files.get().add(p, o);
                        LengthPrefixed.write(client.output(), FilesCodec.encodeProgress(new FilesCodec.Progress(
                                r.root(), r.size(), r.blocks(), r.size(), r.size(), 0, 0, java.time.Duration.ZERO,
                                true)));
                    }
                }
                case FilesGet g -> get(g, client);
            }
        } catch (IllegalArgumentException e) {
            ControlServer.respond(client, new ControlResponse.Error(e.getMessage()));
        } catch (IOException e) {
            ControlServer.respond(client, new ControlResponse.Error(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private void get(FilesGet g, Duplex client) throws IOException, InterruptedException {
        List<PeerInfo> peers = new ArrayList<>();
        for (Multiaddr m : g.peers()) {
            PeerId peer = PeerId.fromMultihash(m.peerIdMultihash()
                    .orElseThrow(() -> new FormatException("a provider address needs /p2p/<peer>: " + m)));
            peers.add(new PeerInfo(peer, List.of(m.withoutPeerId())));
        }
        FileSharing.GetOptions o = FileSharing.GetOptions.defaults().withPeers(peers)
                .withFetch(FetchOptions.defaults().withIdleTimeout(g.timeout()));
        long[] last = {0};
        IOException[] broken = {null};
        FetchProgress[] latest = {null};
        DirectoryExporter.Result written = files.get().get(g.cid(), g.dagPath(), Path.of(g.path()), o, p -> {
            latest[0] = p;
            long now = System.nanoTime();
            if (broken[0] == null && now - last[0] >= PROGRESS_INTERVAL_NANOS) {
                last[0] = now;
                try {
                    synchronized (client) {
                        LengthPrefixed.write(client.output(), FilesCodec.encodeProgress(progress(g, p, 0, false)));
                    }
                } catch (IOException e) {
                    broken[0] = e;
                }
            }
        });
        if (broken[0] != null) {
            throw broken[0];
        }
        synchronized (client) {
            FilesCodec.Progress finished = progress(g, latest[0], written.bytes(), true)
                    .withTree(written.files(), written.directories());
            LengthPrefixed.write(client.output(), FilesCodec.encodeProgress(finished));
        }
    }

    private static FilesCodec.Progress progress(FilesGet g, FetchProgress p, long size, boolean done) {
        return new FilesCodec.Progress(g.cid(), size, p.blocksFetched(), p.bytesDone(), p.bytesTotal(),
                p.bytesFetched(), p.peers(), p.elapsed(), done);
    }
}
