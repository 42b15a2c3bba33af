package org.jlibp2p.node;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.KeyFiles;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.protocol.EchoBehaviour;
import org.jlibp2p.core.protocol.PerfBehaviour;
import org.jlibp2p.core.protocol.PingBehaviour;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyConfig;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.plaintext.PlaintextSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/**
 * The daemon ({@code bin/p2pd}): go-libp2p-daemon's flags and output, serving the libp2p daemon control protocol.
 */
public final class P2pd {
    static final String AGENT_VERSION = "jlibp2p-p2pd/0.1.0";

    private P2pd() {}

    static GoFlags flags() {
        return new GoFlags()
                .string("listen", "/unix/tmp/p2pd.sock", "daemon control listen multiaddr")
                .bool("q", false, "be quiet")
                .string("id", "", "peer identity; private key file")
                .bool("b", false, "connects to bootstrap peers and bootstraps the dht if enabled")
                .string("bootstrapPeers", "", "comma separated list of bootstrap peers; defaults to the IPFS DHT peers")
                .bool("dht", false, "Enables the DHT in full node mode")
                .bool("dhtClient", false, "Enables the DHT in client mode")
                .bool("dhtServer", false, "Enables the DHT in server mode (use 'dht' unless you actually need this)")
                .bool("connManager", false, "Enables the Connection Manager")
                .integer("connLo", 256, "Connection Manager Low Water mark")
                .integer("connHi", 512, "Connection Manager High Water mark")
                .duration("connGrace", Duration.ofSeconds(120), "Connection Manager grace period (in seconds)")
                .bool("natPortMap", false, "Enables NAT port mapping")
                .bool("pubsub", false, "Enables pubsub")
                .string("pubsubRouter", "gossipsub", "Specifies the pubsub router implementation")
                .bool("pubsubSign", true, "Enables pubsub message signing")
                .bool("pubsubSignStrict", true, "Enables or disables pubsub strict signature verification")
                .duration("gossipsubHeartbeatInterval", Duration.ZERO, "Specifies the gossipsub heartbeat interval")
                .duration("gossipsubHeartbeatInitialDelay", Duration.ZERO,
                        "Specifies the gossipsub initial heartbeat delay")
                .bool("relay", true, "Enables circuit relay")
                .bool("relayActive", false, "Enables active mode for relay")
                .bool("relayHop", false, "Enables hop for relay")
                .integer("relayHopLimit", 0, "Sets the hop limit for hop relays")
                .bool("relayDiscovery", false, "Enables passive discovery for relay")
                .bool("autoRelay", false, "Enables autorelay")
                .bool("autonat", false, "Enables the AutoNAT service")
                .string("hostAddrs", "", "comma separated list of multiaddrs the host should listen on")
                .string("announceAddrs", "", "comma separated list of multiaddrs the host should announce to the network")
                .bool("noListenAddrs", false, "sets the host to listen on no addresses")
                .string("metricsAddr", "", "an address to bind the metrics handler to")
                .string("f", "", "a file from which to read a json representation of the deamon config")
                .bool("i", false, "have the daemon read the json config from stdin")
                .bool("pprof", false, "Enables the HTTP pprof handler")
                .unsigned("pprofPort", 0, "Binds the HTTP pprof handler to a specific port")
                .bool("noise", true, "Enables Noise channel security protocol")
                .bool("tls", true, "Enables TLS1.3 channel security protocol")
                .bool("plaintext", true, "Enables Plaintext channel security protocol")
                .bool("forceReachabilityPublic", false, "Set up ForceReachability as public for autonat")
                .bool("forceReachabilityPrivate", false, "Set up ForceReachability as private for autonat")
                .string("muxer", "yamux", "muxer to use for connections")
                .bool("echo", true, "Enables echo protocol")
                .bool("perf", false, "Enables the perf protocol (/perf/1.0.0)");
    }

    /** Flags of features not built yet: turning one on is accepted and answered with this message. */
    private static final List<String[]> NOT_BUILT = List.of(
            new String[] {"dht", "the Kademlia DHT is not built yet; DHT requests are answered with an error"},
            new String[] {"dhtClient", "the Kademlia DHT is not built yet; DHT requests are answered with an error"},
            new String[] {"dhtServer", "the Kademlia DHT is not built yet; DHT requests are answered with an error"},
            new String[] {"pubsub", "pubsub is not built yet; PUBSUB requests are answered with an error"},
            new String[] {"connManager", "the connection manager is not built yet; CONNMANAGER requests are answered with an error"},
            new String[] {"natPortMap", "NAT port mapping is not built yet"},
            new String[] {"relayActive", "circuit relay is not built yet"},
            new String[] {"relayHop", "circuit relay is not built yet"},
            new String[] {"relayDiscovery", "circuit relay is not built yet"},
            new String[] {"autoRelay", "circuit relay is not built yet"},
            new String[] {"autonat", "AutoNAT is not built yet"},
            new String[] {"forceReachabilityPublic", "AutoNAT is not built yet"},
            new String[] {"forceReachabilityPrivate", "AutoNAT is not built yet"},
            new String[] {"pprof", "there is no pprof handler on the JVM; use JFR (jcmd <pid> JFR.start)"},
            new String[] {"i", "JSON configuration is not supported yet; use flags"});

    public static void main(String[] args) {
        GoFlags f = flags();
        try {
            f.parse(args);
        } catch (GoFlags.FlagException e) {
            System.err.println(e.getMessage());
            System.err.print(f.usage("p2pd"));
            System.exit(2);
            return;
        }
        try {
            run(f, System.out, System.err);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("p2pd: " + e.getMessage());
            System.exit(1);
        }
    }

    /** A running daemon: the node and its control socket. */
    record Daemon(Swarm swarm, ControlServer control) implements AutoCloseable {
        @Override
        public void close() {
            try {
                control.close();
            } catch (IOException ignored) {
                // shutting down anyway
            }
            swarm.close();
        }
    }

    static void run(GoFlags f, PrintStream out, PrintStream err) throws IOException {
        Daemon d = start(f, err);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.close();
            stopped.countDown();
        }, "p2pd-shutdown"));
        if (!f.getBool("q")) {
            out.println("Control socket: " + d.control().address());
            out.println("Peer ID: " + d.swarm().localPeer());
            out.println("Peer Addrs:");
            for (Multiaddr a : d.swarm().listenAddresses()) {
                out.println(a);
            }
            out.flush();
        }
        bootstrap(f, d.swarm(), err);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Daemon start(GoFlags f, PrintStream err) throws IOException {
        for (String[] nb : NOT_BUILT) {
            if (f.getBool(nb[0])) {
                err.println("p2pd: -" + nb[0] + ": " + nb[1]);
            }
        }
        if (!f.getString("metricsAddr").isEmpty()) {
            err.println("p2pd: -metricsAddr: metrics are not built yet");
        }
        if (!f.getString("f").isEmpty()) {
            err.println("p2pd: -f: JSON configuration is not supported yet; use flags");
        }
        PrivateKey identity = f.getString("id").isEmpty() ? Keys.generateEd25519().privateKey()
                : KeyFiles.load(Path.of(f.getString("id")));

        StreamMuxer muxer = switch (f.getString("muxer")) {
            case "yamux" -> new Yamux();
            case "mplex" -> new Mplex();
            default -> throw new IllegalArgumentException("unknown muxer " + f.getString("muxer")
                    + " (use yamux or mplex)");
        };
        List<SecureChannel> security = new ArrayList<>();
        if (f.getBool("noise")) {
            security.add(new NoiseSecureChannel(new NoiseConfig(identity).withStreamMuxers(List.of(muxer.protocolId()))));
        }
        if (f.getBool("tls") && f.isSet("tls")) {
            err.println("p2pd: -tls: TLS 1.3 is not built yet; offering the other security protocols");
        }
        if (f.getBool("plaintext")) {
            security.add(new PlaintextSecureChannel(identity));
        }
        if (security.isEmpty()) {
            throw new IllegalArgumentException("at least one channel security protocol must be enabled");
        }
        Swarm swarm = new Swarm(new SwarmConfig(identity, List.of(new TcpTransport()), security, List.of(muxer)));
        try {
            swarm.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withAgentVersion(AGENT_VERSION)));
            swarm.addBehaviour(new PingBehaviour());
            if (f.getBool("echo")) {
                swarm.addBehaviour(new EchoBehaviour());
            }
            if (f.getBool("perf")) {
                swarm.addBehaviour(new PerfBehaviour());
            }
            if (!f.getBool("noListenAddrs")) {
                List<Multiaddr> hostAddrs = parseList(f.getString("hostAddrs"));
                if (hostAddrs.isEmpty()) {
                    hostAddrs = List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"), Multiaddr.parse("/ip6/::/tcp/0"));
                }
                for (Multiaddr a : hostAddrs) {
                    swarm.listen(a);
                }
            }
            ControlServer control = ControlServer.start(swarm, Multiaddr.parse(f.getString("listen")));
            return new Daemon(swarm, control);
        } catch (IOException | RuntimeException e) {
            swarm.close();
            throw e;
        }
    }

    private static void bootstrap(GoFlags f, Swarm swarm, PrintStream err) throws FormatException {
        List<Multiaddr> peers = parseList(f.getString("bootstrapPeers"));
        if (peers.isEmpty()) {
            return;
        }
        for (Multiaddr p : peers) {
            Thread.ofVirtual().name("bootstrap").start(() -> {
                try {
                    swarm.dial(p);
                } catch (IOException | RuntimeException e) {
                    err.println("p2pd: bootstrap peer " + p + ": " + e.getMessage());
                }
            });
        }
    }

    static List<Multiaddr> parseList(String csv) throws FormatException {
        List<Multiaddr> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(Multiaddr.parse(s.trim()));
            }
        }
        return out;
    }
}
