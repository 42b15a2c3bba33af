package org.jlibp2p.bench;

import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.gossipsub.GossipsubBehaviour;
import org.jlibp2p.gossipsub.GossipsubConfig;
import org.jlibp2p.protocols.perf.PerfBehaviour;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.tls.TlsConfig;
import org.jlibp2p.security.tls.TlsSecureChannel;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/**
 * Nodes as the benchmark runs them: TCP, Noise (or TLS 1.3 for the java-java-tls case; Yamux agreed inside the
 * handshake), Yamux, Ed25519 identities.
 */
final class Stack {
    private Stack() {}

    /** A node with perf, and no resource limit in the way of {@code maxConnections} connections to one peer. */
    static Node node(int maxConnections) {
        return node(maxConnections, false);
    }

    /** {@link #node(int)}, secured with TLS 1.3 instead of Noise when {@code tls}. */
    static Node node(int maxConnections, boolean tls) {
        PrivateKey key = Keys.generateEd25519().privateKey();
        // Every connection and stream is still accounted for, against limits the benchmark never reaches.
        Limits limits = Limits.defaults().withResources(ResourceLimits.unlimited());
        Swarm swarm = new Swarm(new SwarmConfig(key, List.of(new TcpTransport()),
                List.of(security(key, tls)), List.of(new Yamux())).withLimits(limits));
        PerfBehaviour perf = new PerfBehaviour();
        swarm.addBehaviour(perf);
        return new Node(swarm, perf);
    }

    /** A node with a pubsub router (gossipsub or floodsub, as {@code config} says) beside perf. */
    static PubsubNode pubsubNode(GossipsubConfig config) {
        Node node = node(64);
        GossipsubBehaviour pubsub = new GossipsubBehaviour(config);
        node.swarm().addBehaviour(pubsub);
        return new PubsubNode(node, pubsub);
    }

    private static SecureChannel security(PrivateKey key, boolean tls) {
        List<String> muxers = List.of(Yamux.PROTOCOL_ID);
        return tls ? new TlsSecureChannel(new TlsConfig(key).withStreamMuxers(muxers))
                : new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(muxers));
    }

    record PubsubNode(Node node, GossipsubBehaviour pubsub) implements AutoCloseable {
        Swarm swarm() {
            return node.swarm();
        }

        @Override
        public void close() {
            node.close();
        }
    }

    record Node(Swarm swarm, PerfBehaviour perf) implements AutoCloseable {
        /** Listens on a free loopback port; returns the address with this node's {@code /p2p/} id. */
        Multiaddr listenLoopback() throws Exception {
            return swarm.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).withPeerId(swarm.localPeer().multihash());
        }

        @Override
        public void close() {
            swarm.close();
        }
    }
}
