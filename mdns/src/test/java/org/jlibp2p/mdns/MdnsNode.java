package org.jlibp2p.mdns;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;

/**
 * A node with mDNS and nothing else, given no address of any peer, for {@link MdnsNamespaceTest} to run inside a
 * network namespace: it prints {@code PEER <id>}, then {@code FOUND <id> <addrs>} and {@code CONNECTED <id>} as they
 * happen, and ends after the number of seconds its first argument says; it listens on its second argument (default
 * {@code /ip4/0.0.0.0/tcp/0}).
 */
public final class MdnsNode {
    private MdnsNode() {}

    public static void main(String[] args) throws Exception {
        Instant end = Instant.now().plusSeconds(Long.parseLong(args[0]));
        try (Swarm s = TestNodes.tcp(TestStack.NOISE_YAMUX, Limits.defaults());
                EventSubscription events = s.subscribe()) {
            s.addBehaviour(new MdnsBehaviour(MdnsConfig.defaults().withQueryInterval(Duration.ofSeconds(1))));
            s.listen(Multiaddr.parse(args.length > 1 ? args[1] : "/ip4/0.0.0.0/tcp/0"));
            System.out.println("PEER " + s.localPeer());
            System.out.flush();
            while (Instant.now().isBefore(end)) {
                Optional<SwarmEvent> e = events.poll(Duration.between(Instant.now(), end));
                if (e.isEmpty()) {
                    break;
                }
                switch (e.get()) {
                    case SwarmEvent.Emitted(MdnsEvent.Discovered d) ->
                            System.out.println("FOUND " + d.peer() + " " + d.addresses());
                    case SwarmEvent.ConnectionEstablished c ->
                            System.out.println("CONNECTED " + c.connection().remotePeer());
                    default -> { }
                }
                System.out.flush();
            }
        }
    }
}
