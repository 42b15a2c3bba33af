package org.jlibp2p.node;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.PeerInfo;

/**
 * The DHT's routing table on disk ({@code dht/routing-table.snapshot}): its peers with their addresses, in the
 * table's order (bucket by bucket, least recently seen first). Written whole (a temporary file renamed over the last
 * one, owner only) and checksummed, as the peerstore snapshot is. Reading it never fails a start: a file that is
 * damaged, cut short or of another kind is reported and ignored, and no more than a given number of peers (the
 * table's capacity) nor of addresses each is read.
 */
final class RoutingTableSnapshot {
    static final String FILE = "routing-table.snapshot";
    private static final System.Logger LOG = System.getLogger(RoutingTableSnapshot.class.getName());
    private static final byte[] MAGIC = "jlibp2p-kad-table-v1".getBytes(StandardCharsets.US_ASCII);
    /** Addresses kept per peer, as the DHT keeps at most in a message. */
    static final int MAX_ADDRESSES = 32;
    private static final int MAX_FIELD = 4096;

    private final Path file;

    RoutingTableSnapshot(Path dir) throws IOException {
        this.file = AtomicFiles.ownerDirectory(dir).resolve(FILE);
    }

    Path file() {
        return file;
    }

    /** The peers of the last snapshot, at most {@code maxPeers}; empty (and a warning) if it cannot be read. */
    List<PeerInfo> load(int maxPeers) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the saved routing table " + file + ": "
                    + e.getMessage() + "; starting without it");
            return List.of();
        }
        try {
            ByteBuffer in = SnapshotFormat.payload(all, MAGIC, "routing table snapshot");
            int count = in.getInt();
            if (count < 0) {
                throw new FormatException("a count of " + count + " peers");
            }
            List<PeerInfo> out = new ArrayList<>(Math.min(count, maxPeers));
            for (int i = 0; i < count && out.size() < maxPeers; i++) {
                PeerId peer = PeerId.fromBytes(bytes(in));
                int n = in.getInt();
                if (n < 0) {
                    throw new FormatException("a count of " + n + " addresses");
                }
                List<Multiaddr> addrs = new ArrayList<>(Math.min(n, MAX_ADDRESSES));
                for (int j = 0; j < n; j++) {
                    Multiaddr a = Multiaddr.fromBytes(bytes(in));
                    if (addrs.size() < MAX_ADDRESSES) {
                        addrs.add(a);
                    }
                }
                out.add(new PeerInfo(peer, addrs));
            }
            return out;
        } catch (IOException | BufferUnderflowException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring the saved routing table " + file + ": "
                    + e.getMessage() + "; the DHT starts with an empty table");
            return List.of();
        }
    }

    /** Replaces the snapshot with {@code peers}: whole or not at all, on disk when this returns. */
    void save(List<PeerInfo> peers) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(body)) {
            out.writeInt(peers.size());
            for (PeerInfo p : peers) {
                writeBytes(out, p.peer().bytes());
                List<Multiaddr> addrs = p.addresses().subList(0, Math.min(MAX_ADDRESSES, p.addresses().size()));
                out.writeInt(addrs.size());
                for (Multiaddr a : addrs) {
                    writeBytes(out, a.bytes());
                }
            }
        }
        SnapshotFormat.write(file, MAGIC, body.toByteArray());
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        SnapshotFormat.writeBytes(out, b);
    }

    private static byte[] bytes(ByteBuffer in) throws FormatException {
        return SnapshotFormat.bytes(in, MAX_FIELD);
    }
}
