package org.jlibp2p.node;

import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.autonat.AutonatBehaviour;
import org.jlibp2p.autonat.AutonatConfig;
import org.jlibp2p.autonat.DialBack;
import org.jlibp2p.autonat.Reachability;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.mdns.MdnsBehaviour;
import org.jlibp2p.mdns.MdnsConfig;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.tls.TlsConfig;
import org.jlibp2p.security.tls.TlsSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/**
 * The daemon's addresses and reachability: AutoNAT (always a client; a server with {@code -autonat}), mDNS with
 * {@code -mdns}, and the REACHABILITY control request.
 */
final class NatControl {
    private final Swarm swarm;

    NatControl(Swarm swarm) {
        this.swarm = swarm;
    }

    /**
     * Adds AutoNAT and, with {@code mdns}, mDNS to a listening daemon. Loopback and private addresses are dialled
     * back and counted only when the node listens on no public address (a LAN, a test), as the DHT does. The server's
     * dial-backs come from a swarm of their own (a fresh key, TCP, Noise and TLS, Yamux and mplex), closed with the
     * node.
     */
    static void install(Swarm swarm, boolean autonatServer, boolean mdns, PrintStream err) {
        boolean anyPublic = swarm.listenAddresses().stream().anyMatch(NatControl::isPublic);
        AutonatConfig config = AutonatConfig.defaults().withServer(autonatServer)
                .withAllowPrivateAddresses(!anyPublic);
        if (autonatServer) {
            Swarm dialer = dialer();
            swarm.addBehaviour(new AutonatBehaviour(config, DialBack.over(dialer)));
            swarm.addBehaviour(new Behaviour() {
                @Override
                public void stop() {
                    // A swarm is not closed from a behaviour's thread (it waits for behaviours): on one of its own.
                    Thread closer = Thread.ofVirtual().name("autonat-dialer-close").start(dialer::close);
                    try {
                        closer.join(java.time.Duration.ofSeconds(10));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        } else {
            swarm.addBehaviour(new AutonatBehaviour(config));
        }
        if (mdns) {
            swarm.addBehaviour(new MdnsBehaviour(MdnsConfig.defaults()));
        }
    }

    private static Swarm dialer() {
        PrivateKey key = Keys.generateEd25519().privateKey();
        List<String> muxers = List.of(Yamux.PROTOCOL_ID, Mplex.PROTOCOL_ID);
        return new Swarm(new SwarmConfig(key, List.of(new TcpTransport()),
                List.of(new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(muxers)),
                        new TlsSecureChannel(new TlsConfig(key).withStreamMuxers(muxers))),
                List.of(new Yamux(), new Mplex())).withLimits(Limits.defaults())
                .withDialTimeout(Duration.ofSeconds(10)));
    }

    private static boolean isPublic(Multiaddr a) {
        Optional<InetAddress> ip = SocketAddresses.toInetSocketAddress(a).map(s -> s.getAddress());
        if (ip.isEmpty()) {
            return false;
        }
        InetAddress addr = ip.get();
        byte[] b = addr.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        return !(addr.isLoopbackAddress() || addr.isSiteLocalAddress() || addr.isLinkLocalAddress()
                || addr.isAnyLocalAddress() || uniqueLocal);
    }

    ControlResponse reachability() throws InterruptedException {
        Optional<AutonatBehaviour> autonat = swarm.behaviour(AutonatBehaviour.class);
        Reachability r = Reachability.UNKNOWN;
        Optional<Multiaddr> reached = Optional.empty();
        if (autonat.isPresent()) {
            r = autonat.get().reachability();
            reached = autonat.get().reachableAddress();
        }
        return new ControlResponse.Reachability(r.name(), reached, swarm.listenAddresses(),
                swarm.externalAddresses(), autonat.map(a -> a.config().server()).orElse(false));
    }
}
