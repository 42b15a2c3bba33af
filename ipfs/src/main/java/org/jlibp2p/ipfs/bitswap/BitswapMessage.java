package org.jlibp2p.ipfs.bitswap;

import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.ipfs.Block;

/**
 * A Bitswap message (boxo {@code bitswap/message/pb/message.proto}): wantlist entries, blocks, block presences and
 * the pending bytes.
 */
public record BitswapMessage(List<Entry> wantlist, boolean full, List<Block> blocks, List<Presence> presences,
        int pendingBytes) {
    public enum WantType { BLOCK, HAVE }

    /** A wantlist entry: want (a block or a HAVE) or cancel {@code cid}. */
    public record Entry(Cid cid, int priority, boolean cancel, WantType type, boolean sendDontHave) {
        public Entry {
            Objects.requireNonNull(cid, "cid");
            Objects.requireNonNull(type, "type");
        }

        public static Entry wantBlock(Cid cid, int priority) {
            return new Entry(cid, priority, false, WantType.BLOCK, true);
        }

        public static Entry wantHave(Cid cid, int priority) {
            return new Entry(cid, priority, false, WantType.HAVE, true);
        }

        public static Entry cancel(Cid cid) {
            return new Entry(cid, 0, true, WantType.BLOCK, false);
        }
    }

    /** A block presence: the sender has, or has not, the block. */
    public record Presence(Cid cid, boolean have) {
        public Presence {
            Objects.requireNonNull(cid, "cid");
        }
    }

    public BitswapMessage {
        wantlist = List.copyOf(wantlist);
        blocks = List.copyOf(blocks);
        presences = List.copyOf(presences);
    }

    public static BitswapMessage wants(List<Entry> entries) {
        return new BitswapMessage(entries, false, List.of(), List.of(), 0);
    }

    public boolean isEmpty() {
        return wantlist.isEmpty() && blocks.isEmpty() && presences.isEmpty() && !full;
    }
}
