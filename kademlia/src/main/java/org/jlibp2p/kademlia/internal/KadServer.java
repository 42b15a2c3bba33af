package org.jlibp2p.kademlia.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.KadProtocolException;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.kademlia.internal.KadMessage.Type;
import org.jlibp2p.kademlia.record.ProviderRecord;
import org.jlibp2p.kademlia.record.ProviderStore;
import org.jlibp2p.kademlia.record.RecordStore;
import org.jlibp2p.kademlia.record.StoredRecord;
import org.jlibp2p.kademlia.record.Validator;

/**
 * The serving side of a DHT node without I/O: takes a decoded request and the current time and returns the answer,
 * reading and writing the node's routing table, record store and provider store. What it needs of the node around
 * it (its addresses, the peerstore, its connections) comes through {@link Host}. The node and the simulator both
 * answer through this class. Not thread-safe: one thread owns it with the table and stores.
 */
public final class KadServer {
    /** What the server asks of the node it runs in. */
    public interface Host {
        PeerId localPeer();

        /** The addresses this node hands out for itself, already filtered. */
        List<Multiaddr> advertised();

        /** Addresses known for {@code peer} (the peerstore's), unfiltered. */
        List<Multiaddr> knownAddresses(PeerId peer);

        /** The public key of {@code peer} if known (this node's own included). */
        Optional<PublicKey> publicKey(PeerId peer);

        /** Whether a connection to {@code peer} is open. */
        boolean isConnected(PeerId peer);
    }

    private final int k;
    private final int maxPeersPerMessage;
    private final Validator validator;
    private final AddressFilter addressFilter;
    private final RoutingTable table;
    private final RecordStore records;
    private final ProviderStore providers;
    private final Host host;

    public KadServer(int k, int maxPeersPerMessage, Validator validator, AddressFilter addressFilter,
            RoutingTable table, RecordStore records, ProviderStore providers, Host host) {
        this.k = k;
        this.maxPeersPerMessage = maxPeersPerMessage;
        this.validator = validator;
        this.addressFilter = addressFilter;
        this.table = table;
        this.records = records;
        this.providers = providers;
        this.host = host;
    }

    public RoutingTable table() {
        return table;
    }

    public RecordStore records() {
        return records;
    }

    public ProviderStore providers() {
        return providers;
    }

    /**
     * The answer to one request {@code from} a peer at {@code now}; empty for ADD_PROVIDER, which has none.
     *
     * @throws IOException if the request is malformed or its record invalid (the caller resets the stream)
     */
    public Optional<KadMessage> answer(PeerId from, KadMessage req, Instant now) throws IOException {
        // A peer that sends us requests over the protocol is not proven a server: only identify and answers are.
        return switch (req.type()) {
            case PING -> Optional.of(KadMessage.request(Type.PING, new byte[0]));
            case FIND_NODE -> Optional.of(new KadMessage(Type.FIND_NODE, req.key(), Optional.empty(),
                    closerPeers(req.key(), from, true), List.of()));
            case GET_VALUE -> {
                Optional<KadMessage.Record> record = localRecord(req.key(), now);
                yield Optional.of(new KadMessage(Type.GET_VALUE, req.key(), record, closerPeers(req.key(), from, false),
                        List.of()));
            }
            case PUT_VALUE -> {
                KadMessage.Record r = req.record().orElseThrow(
                        () -> new KadProtocolException("PUT_VALUE without a record"));
                if (!Arrays.equals(r.key(), req.key())) {
                    throw new KadProtocolException("PUT_VALUE's record key differs from the message key");
                }
                validator.validate(r.key(), r.value(), now);
                Optional<StoredRecord> existing = records.get(r.key(), now);
                boolean better = true;
                if (existing.isPresent() && !Arrays.equals(existing.get().value(), r.value())) {
                    better = validator.select(r.key(), List.of(existing.get().value(), r.value()), now) == 1;
                }
                if (better) {
                    records.put(r.key(), r.value(), now);
                }
                yield Optional.of(req);
            }
            case ADD_PROVIDER -> {
                for (PeerInfo p : req.providerPeers()) {
                    if (p.peer().equals(from)) {
                        providers.add(req.key(), from, addressFilter.filter(p.addresses()), now);
                    }
                    // Records for other peers than the sender are ignored, as the spec says.
                }
                yield Optional.empty();
            }
            case GET_PROVIDERS -> {
                List<PeerInfo> found = new ArrayList<>();
                for (ProviderRecord pr : providers.get(req.key(), now)) {
                    List<Multiaddr> addrs = pr.addresses().isEmpty()
                            ? addressFilter.filter(host.knownAddresses(pr.provider())) : pr.addresses();
                    found.add(new PeerInfo(pr.provider(), addrs));
                    if (found.size() == maxPeersPerMessage) {
                        break;
                    }
                }
                yield Optional.of(new KadMessage(Type.GET_PROVIDERS, req.key(), Optional.empty(),
                        closerPeers(req.key(), from, false), found));
            }
        };
    }

    /** The record this node holds under {@code key}, or, for a {@code /pk/} key, the public key it knows. */
    public Optional<KadMessage.Record> localRecord(byte[] key, Instant now) {
        Optional<StoredRecord> stored = records.get(key, now);
        if (stored.isPresent()) {
            return Optional.of(new KadMessage.Record(key, stored.get().value(),
                    stored.get().received().toString()));
        }
        // A /pk/ key of a peer whose key we know is answered from the peerstore, as go does.
        String text = new String(key, StandardCharsets.ISO_8859_1);
        if (text.startsWith("/pk/")) {
            try {
                PeerId peer = PeerId.fromBytes(Arrays.copyOfRange(key, 4, key.length));
                Optional<PublicKey> pk = host.publicKey(peer);
                if (pk.isPresent()) {
                    return Optional.of(new KadMessage.Record(key, pk.get().marshal(), now.toString()));
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The peers of the table closest to {@code key}, without the requester; for FIND_NODE of a peer id, that peer
     * too when it is connected (so that client-mode peers can be found), and this node when it is the target.
     */
    public List<PeerInfo> closerPeers(byte[] key, PeerId requester, boolean findNode) {
        List<PeerInfo> out = new ArrayList<>();
        if (findNode) {
            try {
                PeerId target = PeerId.fromBytes(key);
                if (target.equals(host.localPeer())) {
                    out.add(new PeerInfo(target, host.advertised()));
                } else if (!target.equals(requester) && !table.contains(target) && host.isConnected(target)) {
                    List<Multiaddr> addrs = addressFilter.filter(host.knownAddresses(target));
                    if (!addrs.isEmpty()) {
                        out.add(new PeerInfo(target, addrs));
                    }
                }
            } catch (IOException e) {
                // not a peer id: a plain key
            }
        }
        for (RoutingTable.Entry e : table.closest(KadKey.of(key), k + 1)) {
            if (out.size() >= k) {
                break;
            }
            if (e.peer().equals(requester)) {
                continue;
            }
            out.add(new PeerInfo(e.peer(), e.addresses()));
        }
        return out;
    }
}
