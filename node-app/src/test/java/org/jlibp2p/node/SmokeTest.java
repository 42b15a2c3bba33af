package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.identify.IdentifyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SmokeTest {
    static Swarm node() {
        return Stacks.tcpNoise(Keys.generateEd25519().privateKey());
    }

    @Test
    void twoNodesPingAndIdentify() throws Exception {
        try (Swarm a = node(); Swarm b = node(); EventSubscription events = a.subscribe()) {
            PingBehaviour pa = a.behaviour(PingBehaviour.class).orElseThrow(); // the stack's own
            Multiaddr addr = b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = a.dial(addr.withPeerId(b.localPeer().multihash()));
            assertEquals(b.localPeer(), c.remotePeer());
            assertEquals("/yamux/1.0.0", c.muxer());
            Duration rtt = pa.ping(b.localPeer());
            assertTrue(rtt.toMillis() < 5000);
            // identify fills the peerstore before it reports the peer identified
            identified(events, b.localPeer());
            assertTrue(a.peerstore().protocols(b.localPeer()).contains(PingBehaviour.PROTOCOL_ID),
                    a.peerstore().protocols(b.localPeer()).toString());
            assertEquals(List.of(addr), a.peerstore().addresses(b.localPeer()));
        }
    }

    /** Waits up to 10 s for identify to report {@code peer} identified, failing if it does not. */
    static void identified(EventSubscription events, PeerId peer) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Optional<SwarmEvent.Emitted> e = events.next(SwarmEvent.Emitted.class,
                    Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            assertTrue(e.isPresent(), "identify did not report " + peer + " within 10 s");
            if (e.get().event() instanceof IdentifyEvent.Received r && r.peer().equals(peer)) {
                return;
            }
        }
    }
}
