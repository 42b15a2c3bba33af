package org.jlibp2p.core.swarm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * What the node knows about other peers: addresses, public keys, protocols and metadata (agent and protocol
 * version). Bounded in every dimension, since most of it is learnt from the peers themselves: the oldest peers,
 * addresses and protocols give way to new ones.
 */
public final class Peerstore {
    /** Metadata key of the agent version a peer announced in identify. */
    public static final String AGENT_VERSION = "AgentVersion";
    /** Metadata key of the protocol version a peer announced in identify. */
    public static final String PROTOCOL_VERSION = "ProtocolVersion";

    private final int maxPeers;
    private final int maxAddressesPerPeer;
    private final int maxProtocolsPerPeer;
    private final int maxEntryLength = 1024;

    private static final class PeerData {
        final LinkedHashSet<Multiaddr> addresses = new LinkedHashSet<>();
        final LinkedHashSet<String> protocols = new LinkedHashSet<>();
        final Map<String, String> metadata = new LinkedHashMap<>();
        PublicKey publicKey;
    }

    private final LinkedHashMap<PeerId, PeerData> peers;

    public Peerstore(int maxPeers, int maxAddressesPerPeer, int maxProtocolsPerPeer) {
        if (maxPeers < 1 || maxAddressesPerPeer < 1 || maxProtocolsPerPeer < 1) {
            throw new IllegalArgumentException("peerstore limits must be positive");
        }
        this.maxPeers = maxPeers;
        this.maxAddressesPerPeer = maxAddressesPerPeer;
        this.maxProtocolsPerPeer = maxProtocolsPerPeer;
        this.peers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, PeerData> eldest) {
                return size() > Peerstore.this.maxPeers;
            }
        };
    }

    public Peerstore() {
        this(10_000, 64, 256);
    }

    private PeerData entry(PeerId peer) {
        return peers.computeIfAbsent(peer, p -> new PeerData());
    }

    /** Adds addresses (any {@code /p2p/} suffix is stripped), keeping the newest when over the limit. */
    public synchronized void addAddresses(PeerId peer, Collection<Multiaddr> addresses) {
        PeerData e = entry(peer);
        for (Multiaddr a : addresses) {
            Multiaddr bare = a.withoutPeerId();
            e.addresses.remove(bare);
            e.addresses.add(bare);
        }
        while (e.addresses.size() > maxAddressesPerPeer) {
            e.addresses.remove(e.addresses.iterator().next());
        }
    }

    /** Replaces the addresses of {@code peer} (what identify learns). */
    public synchronized void setAddresses(PeerId peer, Collection<Multiaddr> addresses) {
        entry(peer).addresses.clear();
        addAddresses(peer, addresses);
    }

    /** Forgets one address of {@code peer} (any {@code /p2p/} suffix is ignored). */
    public synchronized void removeAddress(PeerId peer, Multiaddr address) {
        PeerData e = peers.get(peer);
        if (e != null) {
            e.addresses.remove(address.withoutPeerId());
        }
    }

    public synchronized List<Multiaddr> addresses(PeerId peer) {
        PeerData e = peers.get(peer);
        return e == null ? List.of() : List.copyOf(e.addresses);
    }

    /** Records the public key of {@code peer}; ignored unless the key matches the peer id. */
    public synchronized void putPublicKey(PeerId peer, PublicKey key) {
        if (peer.matches(key)) {
            entry(peer).publicKey = key;
        }
    }

    public synchronized Optional<PublicKey> publicKey(PeerId peer) {
        PeerData e = peers.get(peer);
        if (e != null && e.publicKey != null) {
            return Optional.of(e.publicKey);
        }
        return peer.extractPublicKey();
    }

    /** Replaces the protocols {@code peer} supports; over-long ids and those past the limit are dropped. */
    public synchronized void setProtocols(PeerId peer, Collection<String> protocols) {
        PeerData e = entry(peer);
        e.protocols.clear();
        for (String p : protocols) {
            if (e.protocols.size() >= maxProtocolsPerPeer) {
                break;
            }
            if (p.length() <= maxEntryLength) {
                e.protocols.add(p);
            }
        }
    }

    public synchronized Set<String> protocols(PeerId peer) {
        PeerData e = peers.get(peer);
        return e == null ? Set.of() : Set.copyOf(e.protocols);
    }

    public synchronized void putMetadata(PeerId peer, String key, String value) {
        PeerData e = entry(peer);
        if (value.length() <= maxEntryLength && (e.metadata.containsKey(key) || e.metadata.size() < 32)) {
            e.metadata.put(key, value);
        }
    }

    public synchronized Optional<String> metadata(PeerId peer, String key) {
        PeerData e = peers.get(peer);
        return e == null ? Optional.empty() : Optional.ofNullable(e.metadata.get(key));
    }

    /** Every peer with an entry. */
    public synchronized List<PeerId> peers() {
        return new ArrayList<>(peers.keySet());
    }

    public synchronized void remove(PeerId peer) {
        peers.remove(peer);
    }
}
