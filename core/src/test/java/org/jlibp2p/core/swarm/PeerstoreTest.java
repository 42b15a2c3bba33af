package org.jlibp2p.core.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PeerstoreTest {
    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    @Test
    void everyDimensionIsBounded() throws Exception {
        Peerstore ps = new Peerstore(3, 2, 2);
        List<PeerId> peers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PeerId p = peer();
            peers.add(p);
            ps.addAddresses(p, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + (1000 + i))));
        }
        assertEquals(3, ps.peers().size());
        assertTrue(ps.peers().containsAll(peers.subList(2, 5)), "the oldest peers gave way");
        PeerId p = peers.get(4);
        ps.addAddresses(p, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"), Multiaddr.parse("/ip4/127.0.0.1/tcp/2")));
        assertEquals(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"), Multiaddr.parse("/ip4/127.0.0.1/tcp/2")),
                ps.addresses(p));
        ps.setProtocols(p, List.of("/a", "/b", "/c", "x".repeat(2000)));
        assertEquals(2, ps.protocols(p).size());
        ps.removeAddress(p, Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + p));
        assertEquals(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/2")), ps.addresses(p));
        for (int i = 0; i < 100; i++) {
            ps.putMetadata(p, "k" + i, "v");
        }
        assertTrue(ps.metadata(p, "k31").isPresent());
        assertTrue(ps.metadata(p, "k32").isEmpty());
    }

    @Test
    void aKeyThatIsNotThePeersIsIgnored() {
        Peerstore ps = new Peerstore();
        PeerId p = peer();
        ps.putPublicKey(p, Keys.generateEd25519().publicKey());
        assertTrue(ps.publicKey(p).isPresent(), "an Ed25519 peer id embeds its key");
        assertEquals(p.extractPublicKey(), ps.publicKey(p));
    }
}
