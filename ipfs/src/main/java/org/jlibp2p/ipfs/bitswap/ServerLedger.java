package org.jlibp2p.ipfs.bitswap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;

/**
 * The serving side of Bitswap, without I/O: each peer's wants, and what to answer. A want-block for a block the node
 * has is answered with the block; a want-have with HAVE; a want for a block the node lacks with DONT_HAVE when the
 * peer asked for that, and the want-block is kept (at most {@code maxWantsPerPeer} a peer, the oldest forgotten
 * first) so the block goes out if the node gets it later. A cancel forgets a want; a full wantlist replaces the
 * peer's. Not thread-safe: its owner serializes calls.
 */
public final class ServerLedger {
    /** What to send a peer: blocks (by CID; the caller loads them) and presences. */
    public record Answer(List<Cid> blocks, List<BitswapMessage.Presence> presences) {
        public boolean isEmpty() {
            return blocks.isEmpty() && presences.isEmpty();
        }
    }

    /** Tells the size of a stored block, or empty when the node has not it. */
    @FunctionalInterface
    public interface Have {
        Optional<Integer> size(Cid cid) throws IOException;
    }

    private final int maxWantsPerPeer;
    private final Map<PeerId, LinkedHashMap<Multihash, Cid>> wants = new HashMap<>();

    public ServerLedger(int maxWantsPerPeer) {
        this.maxWantsPerPeer = maxWantsPerPeer;
    }

    public Answer onWantlist(PeerId peer, List<BitswapMessage.Entry> entries, boolean full, Have have)
            throws IOException {
        LinkedHashMap<Multihash, Cid> w = wants.computeIfAbsent(peer, p -> new LinkedHashMap<>());
        if (full) {
            w.clear();
        }
        List<Cid> blocks = new ArrayList<>();
        List<BitswapMessage.Presence> presences = new ArrayList<>();
        for (BitswapMessage.Entry e : entries) {
            Multihash mh = e.cid().multihash();
            if (e.cancel()) {
                w.remove(mh);
                continue;
            }
            boolean has = have.size(e.cid()).isPresent();
            if (e.type() == BitswapMessage.WantType.BLOCK) {
                if (has) {
                    w.remove(mh);
                    blocks.add(e.cid());
                } else {
                    w.put(mh, e.cid());
                    if (e.sendDontHave()) {
                        presences.add(new BitswapMessage.Presence(e.cid(), false));
                    }
                }
            } else if (has) {
                presences.add(new BitswapMessage.Presence(e.cid(), true));
            } else if (e.sendDontHave()) {
                presences.add(new BitswapMessage.Presence(e.cid(), false));
            }
        }
        for (Iterator<Multihash> it = w.keySet().iterator(); w.size() > maxWantsPerPeer && it.hasNext(); ) {
            it.next();
            it.remove();
        }
        if (w.isEmpty()) {
            wants.remove(peer);
        }
        return new Answer(blocks, presences);
    }

    /** The node got {@code cid}: the peers that wanted it, to be sent it (their wants are done). */
    public List<PeerId> onNewBlock(Cid cid) {
        List<PeerId> out = new ArrayList<>();
        for (Iterator<Map.Entry<PeerId, LinkedHashMap<Multihash, Cid>>> it = wants.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<PeerId, LinkedHashMap<Multihash, Cid>> e = it.next();
            if (e.getValue().remove(cid.multihash()) != null) {
                out.add(e.getKey());
                if (e.getValue().isEmpty()) {
                    it.remove();
                }
            }
        }
        return out;
    }

    public void peerGone(PeerId peer) {
        wants.remove(peer);
    }

    /** How many wants are kept for {@code peer}. */
    public int wantCount(PeerId peer) {
        return wants.getOrDefault(peer, new LinkedHashMap<>()).size();
    }
}
