package org.jlibp2p.core.connmgr;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jlibp2p.core.peer.PeerId;

/**
 * What a {@link ConnManager} knows of one peer.
 *
 * @param peer the peer
 * @param tags its tags and their weights, by tag name
 * @param value the sum of the weights: how valuable the peer is when connections are trimmed
 * @param firstSeen when its first open connection was established, on the node's clock (for a peer tagged before
 *     it connected: when it was tagged); the grace period runs from here
 * @param connections its open connections the manager counts
 * @param protectedBy the tags it is protected under (never trimmed while there is one)
 */
public record PeerTagInfo(PeerId peer, SortedMap<String, Integer> tags, long value, Instant firstSeen,
        int connections, SortedSet<String> protectedBy) {
    public PeerTagInfo {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(firstSeen, "firstSeen");
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
        protectedBy = Collections.unmodifiableSortedSet(new TreeSet<>(protectedBy));
    }

    /** Whether the peer is protected under any tag. */
    public boolean isProtected() {
        return !protectedBy.isEmpty();
    }
}
