package org.jlibp2p.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.transport.tcp.TcpTransport;

/** Single test swarms, for tests that build their nodes one by one (a {@link TestNetwork} builds many). */
public final class TestNodes {
    private TestNodes() {}

    /** A configuration over {@code transport} and {@code stack}, with a short dial timeout. */
    public static SwarmConfig config(PrivateKey k, Transport transport, TestStack stack, Limits limits) {
        return new SwarmConfig(k, List.of(transport), List.of(stack.security(k)), List.of(stack.muxer()))
                .withLimits(limits).withDialTimeout(Duration.ofSeconds(3));
    }

    public static Swarm swarm(Transport transport, TestStack stack, Limits limits) {
        return new Swarm(config(Keys.generateEd25519().privateKey(), transport, stack, limits));
    }

    /** A swarm over the in-memory transport of {@code net}. */
    public static Swarm memory(MemoryTransport.Network net, TestStack stack) {
        return swarm(new MemoryTransport(net), stack, Limits.defaults());
    }

    /** A swarm over TCP. */
    public static Swarm tcp(TestStack stack, Limits limits) {
        return swarm(new TcpTransport(), stack, limits);
    }

    /** Listens on a fresh in-memory address; returns it. */
    public static Multiaddr listenMemory(Swarm s) throws IOException {
        return s.listen(Multiaddr.parse("/memory/0"));
    }

    /** Listens on a free TCP port of 127.0.0.1; returns the address. */
    public static Multiaddr listenTcp(Swarm s) throws IOException {
        return s.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
    }

    public static Multiaddr withPeer(Multiaddr a, PeerId p) {
        return a.withPeerId(p.multihash());
    }

    /** Adds a recorder to {@code s}; returns it. */
    public static EventRecorder recorder(Swarm s) {
        EventRecorder r = new EventRecorder();
        s.addBehaviour(r);
        return r;
    }
}
