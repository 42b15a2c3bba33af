package org.jlibp2p.node.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.node.Stacks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The first behaviour the README shows, kept compiling and working. */
@Timeout(30)
class GreetBehaviourTest {
    /** Answers "hello, <name>" to whoever sends a name; counts the peers it met. */
    static final class GreetBehaviour implements Behaviour {
        static final String PROTOCOL_ID = "/example/greet/1.0.0";
        private BehaviourContext context;
        private int connections; // behaviour state: touched only on the behaviour's thread

        @Override
        public void start(BehaviourContext context) {
            this.context = context;
            context.serve(PROTOCOL_ID);
        }

        @Override
        public ConnectionHandler newHandler(HandlerContext connection) {
            return stream -> { // each inbound stream on its own virtual thread: plain blocking code
                String name = new String(stream.input().readNBytes(256), StandardCharsets.UTF_8);
                stream.output().write(("hello, " + name).getBytes(StandardCharsets.UTF_8));
                stream.closeOutput();
            };
        }

        @Override
        public void onEvent(SwarmEvent event) {
            if (event instanceof SwarmEvent.ConnectionEstablished) {
                connections++;
            }
        }

        /** Called by the application, on its own thread: blocking is fine here. */
        String greet(PeerId peer, String name) throws IOException {
            try (Stream s = context.openStream(peer, List.of(PROTOCOL_ID))) {
                s.output().write(name.getBytes(StandardCharsets.UTF_8));
                s.closeOutput();
                return new String(s.input().readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        /** Reads the behaviour's state on its own thread. */
        int connections() throws InterruptedException {
            return context.call(() -> connections);
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
            assertEquals(1, greeter.connections());
        }
    }
}
