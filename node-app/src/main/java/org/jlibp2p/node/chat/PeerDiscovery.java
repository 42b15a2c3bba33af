package org.jlibp2p.node.chat;

import java.util.List;
import java.util.function.Consumer;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * A source of peers for the chat: the DHT ({@link DhtRoomDiscovery}: the members of each joined room), and any other
 * a node adds with {@link ChatNode#addDiscovery} (mDNS on a LAN, a fixed list, a rendezvous point). The chat dials
 * what it is told about; a source need not check whether the peer is connected already.
 */
public interface PeerDiscovery extends AutoCloseable {
    /** A peer found, with the addresses to dial it at (possibly none, when the peerstore knows them). */
    record Found(PeerId peer, List<Multiaddr> addresses) {
        public Found {
            addresses = List.copyOf(addresses);
        }
    }

    /** Starts looking; {@code found} may be called from any thread, any number of times. */
    void start(Consumer<Found> found);

    /** The node joined {@code room}: look for its members too, if this source knows rooms. */
    default void joined(String room) {}

    /** The node left {@code room}. */
    default void left(String room) {}

    /** Stops looking. */
    @Override
    void close();
}
