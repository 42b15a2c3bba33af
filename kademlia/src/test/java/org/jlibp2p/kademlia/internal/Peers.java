package org.jlibp2p.kademlia.internal;

import java.util.Random;
import org.jlibp2p.core.peer.PeerId;

/** Random peer ids (sha2-256 multihashes of random bytes), cheap enough to make by the thousand. */
final class Peers {
    private Peers() {}

    static PeerId random(Random random) {
        byte[] id = new byte[34];
        id[0] = 0x12;
        id[1] = 0x20;
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        System.arraycopy(digest, 0, id, 2, 32);
        try {
            return PeerId.fromBytes(id);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
