package org.jlibp2p.ipfs.bitswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerLedgerTest {
    private final PeerId p = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    @Test
    void answersBlocksHavesAndDontHavesAndRemembersWantsForLater() throws IOException {
        MemoryBlockstore store = new MemoryBlockstore();
        Block have = Block.of(1, Multicodec.RAW.code(), new byte[] {1});
        Block later = Block.of(1, Multicodec.RAW.code(), new byte[] {2});
        store.put(have);
        ServerLedger l = new ServerLedger(100);
        ServerLedger.Answer a = l.onWantlist(p, List.of(BitswapMessage.Entry.wantBlock(have.cid(), 1),
                BitswapMessage.Entry.wantBlock(later.cid(), 1), BitswapMessage.Entry.wantHave(have.cid(), 1)),
                false, store::size);
        assertEquals(List.of(have.cid()), a.blocks());
        assertEquals(List.of(new BitswapMessage.Presence(later.cid(), false),
                new BitswapMessage.Presence(have.cid(), true)), a.presences());
        assertEquals(1, l.wantCount(p));
        assertEquals(List.of(p), l.onNewBlock(later.cid()));
        assertEquals(0, l.wantCount(p));
        l.onWantlist(p, List.of(BitswapMessage.Entry.wantBlock(later.cid(), 1)), false, c -> java.util.Optional.empty());
        l.onWantlist(p, List.of(BitswapMessage.Entry.cancel(later.cid())), false, store::size);
        assertTrue(l.onNewBlock(later.cid()).isEmpty(), "cancelled");
    }

    @Test
    void wantsKeptPerPeerAreBounded() throws IOException {
        ServerLedger l = new ServerLedger(10);
        List<BitswapMessage.Entry> es = new ArrayList<>();
        List<Cid> cids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Cid c = Block.of(1, Multicodec.RAW.code(), new byte[] {(byte) i}).cid();
            cids.add(c);
            es.add(new BitswapMessage.Entry(c, 1, false, BitswapMessage.WantType.BLOCK, false));
        }
        ServerLedger.Answer a = l.onWantlist(p, es, false, c -> java.util.Optional.empty());
        assertTrue(a.isEmpty(), "no DONT_HAVE unless asked for");
        assertEquals(10, l.wantCount(p));
        assertEquals(List.of(p), l.onNewBlock(cids.get(49)), "the newest are kept");
        assertTrue(l.onNewBlock(cids.get(0)).isEmpty());
    }
}
