package org.jlibp2p.node;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Peerstore;

/**
 * The peerstore on disk ({@code peers.snapshot}): every peer's addresses, each with the time it expires, its
 * protocols, its public key when it cannot be read from its id, and its agent and protocol versions. Written whole
 * (a temporary file renamed over the last one) and checksummed, so a crash leaves the previous snapshot.
 *
 * <p>The in-memory peerstore has no time to live; this class gives each address one: an address expires
 * {@link #ADDRESS_TTL} after the last snapshot that saw it on a connected peer, or after it was first seen. Expired
 * addresses are not restored, and a peer without any address left is not restored at all.
 */
final class PeerstoreSnapshot {
    static final String FILE = "peers.snapshot";
    /** How long an address stays after it was last seen connected, as go-libp2p's recently-connected TTL, longer. */
    static final Duration ADDRESS_TTL = Duration.ofHours(1);
    private static final byte[] MAGIC = "jlibp2p-peers-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_FIELD = 64 * 1024;

    private final Path file;
    /** When each address known expires; written with the peerstore. Guarded by this. */
    private final Map<PeerId, Map<Multiaddr, Instant>> expiries = new HashMap<>();

    PeerstoreSnapshot(Path dir) throws IOException {
        this.file = AtomicFiles.ownerDirectory(dir).resolve(FILE);
    }

    /** Restores the last snapshot into {@code store}, dropping what has expired by {@code now}; peers restored. */
    synchronized int restore(Peerstore store, Instant now) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] all = Files.readAllBytes(file);
        try {
            ByteBuffer in = SnapshotFormat.payload(all, MAGIC, "peerstore snapshot");
            int restored = 0;
            int peers = in.getInt();
            for (int i = 0; i < peers; i++) {
                PeerId peer = PeerId.fromBytes(bytes(in));
                byte[] key = bytes(in);
                List<String> protocols = new ArrayList<>();
                int np = in.getInt();
                for (int j = 0; j < np; j++) {
                    protocols.add(string(in));
                }
                Map<Multiaddr, Instant> addrs = new LinkedHashMap<>();
                int na = in.getInt();
                for (int j = 0; j < na; j++) {
                    Multiaddr a = Multiaddr.fromBytes(bytes(in));
                    Instant expires = Instant.ofEpochMilli(in.getLong());
                    if (expires.isAfter(now)) {
                        addrs.put(a, expires);
                    }
                }
                String agent = string(in);
                String version = string(in);
                if (addrs.isEmpty()) {
                    continue;
                }
                store.addAddresses(peer, addrs.keySet());
                if (key.length > 0) {
                    store.putPublicKey(peer, Keys.unmarshalPublicKey(key));
                }
                store.setProtocols(peer, protocols);
                if (!agent.isEmpty()) {
                    store.putMetadata(peer, Peerstore.AGENT_VERSION, agent);
                }
                if (!version.isEmpty()) {
                    store.putMetadata(peer, Peerstore.PROTOCOL_VERSION, version);
                }
                expiries.put(peer, addrs);
                restored++;
            }
            return restored;
        } catch (FormatException | BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage() + " (remove the file to start with an empty"
                    + " peerstore)", e);
        }
    }

    /**
     * Writes {@code store} as of {@code now}: the addresses of {@code connected} peers get a fresh time to live, the
     * others keep theirs (new ones get one from now); expired addresses, and peers left without any, are dropped.
     */
    synchronized void save(Peerstore store, Set<PeerId> connected, PeerId self, Instant now) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<PeerId, Map<Multiaddr, Instant>> next = new HashMap<>();
        int count = 0;
        ByteArrayOutputStream peersBuf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(peersBuf)) {
            for (PeerId peer : store.peers()) {
                if (peer.equals(self)) {
                    continue;
                }
                Map<Multiaddr, Instant> known = expiries.getOrDefault(peer, Map.of());
                Map<Multiaddr, Instant> addrs = new LinkedHashMap<>();
                for (Multiaddr a : store.addresses(peer)) {
                    Instant expires = connected.contains(peer) || !known.containsKey(a) ? now.plus(ADDRESS_TTL)
                            : known.get(a);
                    if (expires.isAfter(now)) {
                        addrs.put(a, expires);
                    }
                }
                if (addrs.isEmpty()) {
                    continue;
                }
                next.put(peer, addrs);
                count++;
                writeBytes(out, peer.bytes());
                Optional<PublicKey> key = store.publicKey(peer);
                boolean inId = peer.extractPublicKey().isPresent();
                writeBytes(out, key.isPresent() && !inId ? key.get().marshal() : new byte[0]);
                Set<String> protocols = store.protocols(peer);
                out.writeInt(protocols.size());
                for (String p : protocols) {
                    writeString(out, p);
                }
                out.writeInt(addrs.size());
                for (Map.Entry<Multiaddr, Instant> e : addrs.entrySet()) {
                    writeBytes(out, e.getKey().bytes());
                    out.writeLong(e.getValue().toEpochMilli());
                }
                writeString(out, store.metadata(peer, Peerstore.AGENT_VERSION).orElse(""));
                writeString(out, store.metadata(peer, Peerstore.PROTOCOL_VERSION).orElse(""));
            }
        }
        try (DataOutputStream out = new DataOutputStream(body)) {
            out.writeInt(count);
            peersBuf.writeTo(out);
        }
        SnapshotFormat.write(file, MAGIC, body.toByteArray());
        expiries.clear();
        expiries.putAll(next);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        SnapshotFormat.writeBytes(out, b);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer in) throws FormatException {
        return SnapshotFormat.bytes(in, MAX_FIELD);
    }

    private static String string(ByteBuffer in) throws FormatException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }
}
