package org.jlibp2p.node.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.node.Stacks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The behaviour the README shows, kept compiling and working. */
@Timeout(30)
class GreetBehaviourTest {
    /** Answers "hello, <name>" to whoever sends a name; counts the peers it met. */
    static final class GreetBehaviour implements Behaviour {
        static final String PROTOCOL_ID = "/example/greet/1.0.0";
        private volatile Swarm swarm;
        volatile int connectedPeers;

        @Override
        public void start(Swarm swarm) {
            this.swarm = swarm;
            swarm.setStreamHandler(PROTOCOL_ID, stream -> {
                String name = new String(stream.input().readNBytes(256), StandardCharsets.UTF_8);
                stream.output().write(("hello, " + name).getBytes(StandardCharsets.UTF_8));
                stream.closeOutput();
            });
        }

        @Override
        public void onEvent(SwarmEvent event) {
            if (event instanceof SwarmEvent.ConnectionEstablished) {
                connectedPeers++;
            }
        }

        String greet(PeerId peer, String name) throws IOException {
            try (Stream s = swarm.newStream(peer, List.of(PROTOCOL_ID))) {
                s.output().write(name.getBytes(StandardCharsets.UTF_8));
                s.closeOutput();
                return new String(s.input().readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void greets() throws Exception {
        try (Swarm alice = Stacks.tcpNoise(Keys.generateEd25519().privateKey());
                Swarm bob = Stacks.tcpNoise(Keys.generateEd25519().privateKey())) {
            GreetBehaviour greeter = new GreetBehaviour();
            alice.addBehaviour(greeter);
            bob.addBehaviour(new GreetBehaviour());
            Multiaddr bobAddr = bob.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            alice.dial(bobAddr.withPeerId(bob.localPeer().multihash()));
            assertEquals("hello, alice", greeter.greet(bob.localPeer(), "alice"));
        }
    }
}
