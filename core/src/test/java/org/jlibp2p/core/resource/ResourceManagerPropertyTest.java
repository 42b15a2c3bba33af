package org.jlibp2p.core.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ResourceLimits.Kind;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.LimitExceededException;
import org.jlibp2p.core.time.ManualScheduler;

/** Whatever happens in whatever order, no scope goes past its limit or below zero, and closing all frees all. */
class ResourceManagerPropertyTest {
    private static final List<PeerId> PEERS = List.of(peer(), peer(), peer());

    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    @Property(tries = 200)
    void countsStayWithinLimitsAndReturnToZero(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int steps)
            throws Exception {
        Random r = new Random(seed);
        ResourceLimits limits = ResourceLimits.unlimited()
                .with(Kind.SYSTEM, l -> l.withConnections(5, 4, 7).withStreams(9, 9, 12).withMemory(5000)
                        .withFileDescriptors(6))
                .with(Kind.PENDING, l -> l.withConnections(3).withStreams(4))
                .with(Kind.PEER, l -> l.withConnections(2).withStreams(5).withMemory(3000))
                .with(Kind.CONNECTION, l -> l.withStreams(3).withMemory(2000))
                .with(Kind.PROTOCOL, l -> l.withStreams(4))
                .withIpLimits(List.of(new ResourceLimits.PrefixLimit(32, 3)), List.of());
        ResourceManager rm = new ResourceManager(limits, new ManualScheduler());
        List<ConnectionScope> conns = new ArrayList<>();
        List<StreamScope> streams = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            try {
                switch (r.nextInt(8)) {
                    case 0 -> conns.add(rm.openConnection(r.nextBoolean() ? Direction.INBOUND : Direction.OUTBOUND,
                            Multiaddr.parse("/ip4/10.0.0." + r.nextInt(3) + "/tcp/1"), r.nextBoolean()));
                    case 1 -> {
                        if (!conns.isEmpty()) {
                            conns.get(r.nextInt(conns.size())).setPeer(PEERS.get(r.nextInt(PEERS.size())));
                        }
                    }
                    case 2 -> {
                        if (!conns.isEmpty()) {
                            streams.add(conns.get(r.nextInt(conns.size())).openStream(
                                    r.nextBoolean() ? Direction.INBOUND : Direction.OUTBOUND));
                        }
                    }
                    case 3 -> {
                        if (!streams.isEmpty()) {
                            streams.get(r.nextInt(streams.size())).setProtocol("/p/" + r.nextInt(2),
                                    r.nextBoolean() ? "s" : null);
                        }
                    }
                    case 4 -> {
                        if (!streams.isEmpty()) {
                            streams.get(r.nextInt(streams.size())).reserveMemory(r.nextInt(1500));
                        }
                    }
                    case 5 -> {
                        if (!streams.isEmpty()) {
                            streams.get(r.nextInt(streams.size())).releaseMemory(r.nextInt(1500));
                        }
                    }
                    case 6 -> {
                        if (!streams.isEmpty()) {
                            streams.remove(r.nextInt(streams.size())).close();
                        }
                    }
                    default -> {
                        if (!conns.isEmpty()) {
                            conns.remove(r.nextInt(conns.size())).close();
                        }
                    }
                }
            } catch (LimitExceededException | IllegalStateException expected) {
                // refused (or a second setPeer/setProtocol, or a stream of a connection without peer): nothing held
            }
            check(rm.usage().system(), limits.system());
            check(rm.usage().pending(), limits.pending());
            rm.usage().peers().values().forEach(u -> check(u, limits.peer()));
            rm.usage().protocols().values().forEach(u -> check(u, limits.protocol()));
        }
        conns.forEach(ConnectionScope::close);
        streams.forEach(StreamScope::close);
        ResourceManager.ScopeUsage zero = new ResourceManager.ScopeUsage(0, 0, 0, 0, 0, 0);
        assertEquals(zero, rm.usage().system());
        assertEquals(zero, rm.usage().pending());
        assertTrue(rm.usage().peers().isEmpty() && rm.usage().protocols().isEmpty()
                && rm.usage().services().isEmpty(), () -> rm.usage().toString());
    }

    private static void check(ResourceManager.ScopeUsage u, ScopeLimit l) {
        assertTrue(u.connectionsInbound() >= 0 && u.connectionsInbound() <= l.connectionsInbound(), u::toString);
        assertTrue(u.connectionsOutbound() >= 0 && u.connectionsOutbound() <= l.connectionsOutbound(), u::toString);
        assertTrue(u.connectionsInbound() + u.connectionsOutbound() <= l.connections(), u::toString);
        assertTrue(u.streamsInbound() >= 0 && u.streamsOutbound() >= 0, u::toString);
        assertTrue(u.streamsInbound() <= l.streamsInbound() && u.streamsOutbound() <= l.streamsOutbound(),
                u::toString);
        assertTrue(u.streamsInbound() + u.streamsOutbound() <= l.streams(), u::toString);
        assertTrue(u.memory() >= 0 && u.memory() <= l.memory(), u::toString);
        assertTrue(u.fileDescriptors() >= 0 && u.fileDescriptors() <= l.fileDescriptors(), u::toString);
    }
}
