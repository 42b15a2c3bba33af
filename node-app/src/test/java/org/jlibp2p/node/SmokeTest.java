package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Swarm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SmokeTest {
    static Swarm node() {
        return Stacks.tcpNoise(Keys.generateEd25519().privateKey());
    }

    @Test
    void twoNodesPingAndIdentify() throws Exception {
        try (Swarm a = node(); Swarm b = node()) {
            PingBehaviour pa = new PingBehaviour();
            a.addBehaviour(pa);
            Multiaddr addr = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = a.dial(addr.withPeerId(b.localPeer().multihash()));
            assertEquals(b.localPeer(), c.remotePeer());
            assertEquals("/yamux/1.0.0", c.muxer());
            Duration rtt = pa.ping(b.localPeer());
            assertTrue(rtt.toMillis() < 5000);
            long end = System.currentTimeMillis() + 5000;
            while (a.peerstore().protocols(b.localPeer()).isEmpty() && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertTrue(a.peerstore().protocols(b.localPeer()).contains(PingBehaviour.PROTOCOL_ID),
                    a.peerstore().protocols(b.localPeer()).toString());
            assertEquals(List.of(addr), a.peerstore().addresses(b.localPeer()));
        }
    }
}
