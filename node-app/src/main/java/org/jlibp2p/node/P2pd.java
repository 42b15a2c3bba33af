package org.jlibp2p.node;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.connmgr.ConnManager;
import org.jlibp2p.core.connmgr.ConnManagerConfig;
import org.jlibp2p.core.crypto.KeyFiles;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.protocols.perf.PerfBehaviour;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.relay.AutoRelay;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayConfig;
import org.jlibp2p.relay.RelayService;
import org.jlibp2p.relay.RelayTransport;
import org.jlibp2p.relay.Reservation;
import org.jlibp2p.relay.dcutr.DcutrBehaviour;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.core.util.Deadline;
import org.jlibp2p.gossipsub.GossipsubBehaviour;
import org.jlibp2p.gossipsub.GossipsubConfig;
import org.jlibp2p.gossipsub.RouterMode;
import org.jlibp2p.gossipsub.SignaturePolicy;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyConfig;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.KademliaConfig;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.node.metrics.DaemonMetrics;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.plaintext.PlaintextSecureChannel;
import org.jlibp2p.security.tls.TlsConfig;
import org.jlibp2p.security.tls.TlsSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/**
 * The daemon ({@code bin/p2pd}): go-libp2p-daemon's flags and output, serving the libp2p daemon control protocol.
 */
public final class P2pd {
    static final String AGENT_VERSION = "jlibp2p-p2pd/0.1.0";
    /** How long the daemon may take to close once asked to stop, before it exits regardless. */
    static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(8);
    /** The exit status of a process ended by SIGTERM. */
    private static final int EXIT_SIGTERM = 128 + 15;

    private P2pd() {}

    static GoFlags flags() {
        return new GoFlags()
                .string("listen", "/unix/tmp/p2pd.sock", "daemon control listen multiaddr")
                .bool("q", false, "be quiet")
                .string("id", "", "peer identity; private key file")
                .string("dataDir", "", "a directory to keep the identity key, the peerstore and the DHT's records in"
                        + " across restarts (created 0700; one daemon at a time); without it nothing is kept")
                .bool("b", false, "connects to bootstrap peers (the -bootstrapPeers, which are dialled anyway, or else"
                        + " the public IPFS bootstrap nodes) and so bootstraps the DHT if enabled")
                .string("bootstrapPeers", "", "comma separated list of bootstrap peers (multiaddrs with /p2p/<id>) to connect to at start,"
                        + " with or without -b; without them, -b dials the public IPFS bootstrap nodes")
                .bool("dht", false, "Enables the DHT in full node mode")
                .bool("dhtClient", false, "Enables the DHT in client mode")
                .bool("dhtServer", false, "Enables the DHT in server mode (use 'dht' unless you actually need this)")
                .bool("connManager", false, "Enables the Connection Manager")
                .integer("connLo", 256, "Connection Manager Low Water mark")
                .integer("connHi", 512, "Connection Manager High Water mark")
                .duration("connGrace", Duration.ofSeconds(120), "Connection Manager grace period")
                .bool("natPortMap", false, "Enables NAT port mapping")
                .bool("pubsub", false, "Enables pubsub")
                .string("pubsubRouter", "gossipsub", "Specifies the pubsub router implementation")
                .bool("pubsubSign", true, "Enables pubsub message signing")
                .bool("pubsubSignStrict", true, "Enables or disables pubsub strict signature verification")
                .duration("gossipsubHeartbeatInterval", Duration.ZERO, "Specifies the gossipsub heartbeat interval")
                .duration("gossipsubHeartbeatInitialDelay", Duration.ZERO,
                        "Specifies the gossipsub initial heartbeat delay")
                .bool("relay", true, "Enables circuit relay (v2 client: dials /p2p-circuit addresses, takes circuits"
                        + " from relays it reserved a slot with)")
                .bool("relayActive", false, "Enables active mode for relay (circuit relay v1; no meaning in v2)")
                .bool("relayHop", false, "Enables hop for relay: serves circuit relay v2 to other peers, with"
                        + " go-libp2p's limits")
                .integer("relayHopLimit", 0, "Sets the hop limit for hop relays (circuit relay v1; no meaning in v2)")
                .bool("relayDiscovery", false, "Enables passive discovery for relay (circuit relay v1; no meaning"
                        + " in v2)")
                .bool("autoRelay", false, "Enables autorelay: reserves a slot on the bootstrap peers that relay"
                        + " (without bootstrap peers, once AutoNAT finds the node private, on up to 2 connected"
                        + " peers that relay), advertises the /p2p-circuit addresses and punches holes (DCUtR)")
                .bool("holePunching", false, "Enables hole punching (DCUtR) over relayed connections; dials then"
                        + " leave from the listening port (on with -autoRelay)")
                .bool("autonat", false, "Enables the AutoNAT service")
                .bool("mdns", false, "Enables mDNS discovery of peers on the local network (_p2p._udp.local)")
                .string("hostAddrs", "", "comma separated list of multiaddrs the host should listen on")
                .string("announceAddrs", "", "comma separated list of multiaddrs the host should announce to the network")
                .bool("noListenAddrs", false, "sets the host to listen on no addresses")
                .string("metricsAddr", "", "an address to bind the metrics handler to (<host>:<port>, e.g."
                        + " 127.0.0.1:5001; Prometheus text at /metrics); no metrics without it")
                .string("f", "", "a file from which to read a json representation of the deamon config")
                .bool("i", false, "have the daemon read the json config from stdin")
                .bool("pprof", false, "Enables the HTTP pprof handler")
                .unsigned("pprofPort", 0, "Binds the HTTP pprof handler to a specific port")
                .bool("noise", true, "Enables Noise channel security protocol")
                .bool("tls", true, "Enables TLS1.3 channel security protocol")
                .bool("plaintext", false, "Enables Plaintext channel security protocol (it proves no identity: tests only)")
                .bool("forceReachabilityPublic", false, "Set up ForceReachability as public for autonat")
                .bool("forceReachabilityPrivate", false, "Set up ForceReachability as private for autonat")
                .string("muxer", "yamux", "muxer to use for connections")
                .bool("echo", true, "Enables echo protocol")
                .bool("perf", false, "Enables the perf protocol (/perf/1.0.0)")
                .bool("bitswap", false, "Enables file sharing by content id: Bitswap 1.2.0 and an on-disk blockstore"
                        + " (p2pctl add, get)")
                .string("blockstore", "", "the blockstore's directory (default <dataDir>/blocks with -dataDir, else ~/.jlibp2p/blocks)")
                .string("limits", "", "a JSON file of resource limits, in go-libp2p's names (System, Transient, Peer,"
                        + " Conn, Protocol, Service, IPv4, IPv6, Allowlist); what it leaves out keeps the defaults,"
                        + " scaled to the heap and the open-file limit")
                .duration("requestTimeout", ControlServer.DEFAULT_REQUEST_TIMEOUT,
                        "how long a control connection may wait before sending its request");
    }

    /** Flags of features not built yet: turning one on is accepted and answered with this message. */
    private static final List<String[]> NOT_BUILT = List.of(
            new String[] {"natPortMap", "NAT port mapping is not built yet"},
            new String[] {"relayActive", "circuit relay v1 only; ignored (v2 is spoken)"},
            new String[] {"relayDiscovery", "circuit relay v1 only; ignored (v2 is spoken)"},
            new String[] {"forceReachabilityPublic", "forcing the reachability is not supported; AutoNAT finds it"},
            new String[] {"forceReachabilityPrivate", "forcing the reachability is not supported; AutoNAT finds it"},
            new String[] {"pprof", "there is no pprof handler on the JVM; use JFR (jcmd <pid> JFR.start)"},
            new String[] {"i", "JSON configuration is not supported yet; use flags"});

    public static void main(String[] args) {
        GoFlags f = flags();
        try {
            f.parse(args);
            if (!f.rest().isEmpty()) {
                throw new GoFlags.FlagException("unexpected argument " + f.rest().getFirst()
                        + " (p2pd takes flags only)");
            }
        } catch (GoFlags.HelpRequested e) {
            System.err.print(f.usage("p2pd"));
            System.exit(0);
            return;
        } catch (GoFlags.FlagException e) {
            System.err.println(e.getMessage());
            System.err.print(f.usage("p2pd"));
            System.exit(2);
            return;
        }
        try {
            run(f, System.out, System.err);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("p2pd: " + e.getMessage());
            System.exit(1);
        }
    }

    /** A running daemon: the node, its DHT when enabled, and its control socket. */
    record Daemon(Swarm swarm, ControlServer control, Optional<KademliaBehaviour> dht) implements AutoCloseable {
        /** Dialable addresses (the swarm expands wildcards), as printed under {@code Peer Addrs:}. */
        List<Multiaddr> addresses() {
            return swarm.listenAddresses();
        }

        /**
         * Closes the control socket (removing a unix socket file), writes what {@code -dataDir} keeps, then closes
         * the node. Idempotent.
         */
        @Override
        public void close() {
            try {
                control.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the control socket failed", e);
            }
            try {
                DataDir.beforeClose(swarm);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot write the peerstore or routing table snapshot: "
                        + e.getMessage());
            }
            swarm.close();
        }
    }

    private static final System.Logger LOG = System.getLogger(P2pd.class.getName());

    /**
     * Starts the daemon, connects to the bootstrap peers, prints {@code Control socket:}, {@code Peer ID:} and
     * {@code Peer Addrs:} (once the control socket accepts requests), then serves until the JVM is asked to stop
     * (SIGTERM, Ctrl-C), when it closes the control socket and the node.
     */
    static void run(GoFlags f, PrintStream out, PrintStream err) throws IOException {
        Daemon d = start(f, err);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch stopping = new CountDownLatch(1);
        // Started now, while memory is plentiful: whatever state the node is in when asked to stop (out of heap,
        // a connection that will not close), the process ends within SHUTDOWN_LIMIT.
        Thread.ofPlatform().daemon().name("p2pd-shutdown-watchdog").start(() -> {
            try {
                stopping.await();
                if (!stopped.await(SHUTDOWN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    err.println("p2pd: the node did not close within " + SHUTDOWN_LIMIT.toSeconds()
                            + " s of the stop request; exiting anyway");
                    err.flush();
                    Runtime.getRuntime().halt(EXIT_SIGTERM);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            d.close();
            stopped.countDown();
        }, "p2pd-shutdown"));
        List<Multiaddr> bootstrapped = bootstrap(f, d.swarm(), err);
        if (f.getBool("autoRelay")) {
            autoRelay(d.swarm(), bootstrapped, err);
        }
        if (!f.getBool("q")) {
            out.println("Control socket: " + d.control().address());
            out.println("Peer ID: " + d.swarm().localPeer());
            out.println("Peer Addrs:");
            for (Multiaddr a : d.addresses()) {
                out.println(a);
            }
            if (!bootstrapped.isEmpty()) {
                out.println("Bootstrap peers:");
                for (Multiaddr a : bootstrapped) {
                    out.println(a);
                }
            }
            out.flush();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks the flags, builds the node, listens, and opens the control socket. */
    static Daemon start(GoFlags f, PrintStream err) throws IOException {
        for (String[] nb : NOT_BUILT) {
            if (f.getBool(nb[0])) {
                err.println("p2pd: -" + nb[0] + ": " + nb[1]);
            }
        }
        if (f.getInt("relayHopLimit") != 0) {
            err.println("p2pd: -relayHopLimit: circuit relay v1 only; ignored (v2 is spoken)");
        }
        if (f.getBool("autoRelay") && !f.getBool("relay")) {
            throw new IllegalArgumentException("-autoRelay needs -relay");
        }
        boolean holePunching = f.getBool("relay") && (f.getBool("holePunching") || f.getBool("autoRelay"));
        for (String name : List.of("announceAddrs", "f")) {
            if (!f.getString(name).isEmpty()) {
                err.println("p2pd: -" + name + ": " + switch (name) {
                    case "announceAddrs" -> "announce addresses are not supported yet; the listen addresses are"
                            + " announced";
                    default -> "JSON configuration is not supported yet; use flags";
                });
            }
        }
        StreamMuxer muxer = switch (f.getString("muxer")) {
            case "yamux" -> new Yamux();
            case "mplex" -> new Mplex();
            default -> throw new IllegalArgumentException("-muxer: unknown muxer \"" + f.getString("muxer")
                    + "\" (use yamux or mplex)");
        };
        Multiaddr control = parseFlag("listen", f.getString("listen"));
        ControlSocket.socketAddress(control);
        List<Multiaddr> hostAddrs = parseList("hostAddrs", f.getString("hostAddrs"));
        parseList("bootstrapPeers", f.getString("bootstrapPeers"));
        Duration requestTimeout = f.getDuration("requestTimeout");
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("-requestTimeout must be positive");
        }
        Optional<DaemonMetrics> metrics = f.getString("metricsAddr").isEmpty() ? Optional.empty()
                : Optional.of(DaemonMetrics.forAddress(f.getString("metricsAddr")));
        Optional<GossipsubConfig> pubsub = f.getBool("pubsub") ? Optional.of(pubsubConfig(f)) : Optional.empty();
        Optional<ConnManager> connManager = f.getBool("connManager")
                ? Optional.of(new ConnManager(connManagerConfig(f))) : Optional.empty();
        Optional<DataDir> data = f.getString("dataDir").isEmpty() ? Optional.empty()
                : Optional.of(DataDir.open(Path.of(f.getString("dataDir"))));
        PrivateKey identity;
        if (f.getString("id").isEmpty()) {
            identity = data.isPresent() ? data.get().identity() : Keys.generateEd25519().privateKey();
        } else {
            try {
                identity = KeyFiles.load(Path.of(f.getString("id")));
            } catch (IOException e) {
                throw new IOException("-id: cannot load the identity key: " + e.getMessage(), e);
            }
        }
        List<SecureChannel> security = new ArrayList<>();
        if (f.getBool("noise")) {
            security.add(new NoiseSecureChannel(new NoiseConfig(identity).withStreamMuxers(List.of(muxer.protocolId()))));
        }
        if (f.getBool("tls")) { // after Noise, whose handshake is cheaper: a peer offering both gets Noise
            security.add(new TlsSecureChannel(new TlsConfig(identity).withStreamMuxers(List.of(muxer.protocolId()))));
        }
        if (f.getBool("plaintext")) {
            err.println("p2pd: -plaintext: /plaintext/2.0.0 proves no identity and encrypts nothing; any peer can"
                    + " connect as any peer id. Enable it only on a network you control, for tests");
            security.add(new PlaintextSecureChannel(identity));
        }
        if (security.isEmpty()) {
            throw new IllegalArgumentException("at least one channel security protocol must be enabled"
                    + " (-noise, -tls or -plaintext)");
        }
        Limits limits = Limits.defaults();
        if (!f.getString("limits").isEmpty()) {
            try {
                limits = limits.withResources(LimitsFile.read(Path.of(f.getString("limits")), limits.resources()));
            } catch (IOException e) {
                throw new IOException("-limits: " + e.getMessage(), e);
            }
        }
        TcpTransport tcp = holePunching ? TcpTransport.withPortReuse() : new TcpTransport();
        Optional<RelayClient> relayClient = f.getBool("relay") ? Optional.of(new RelayClient()) : Optional.empty();
        List<Transport> transports = new ArrayList<>(List.of(metrics.isPresent() ? metrics.get().counting(tcp) : tcp));
        relayClient.ifPresent(c -> transports.add(new RelayTransport(c)));
        Swarm swarm = new Swarm(new SwarmConfig(identity, transports, security, List.of(muxer)).withLimits(limits));
        try {
            if (data.isPresent()) {
                data.get().restorePeerstore(swarm);
                swarm.addBehaviour(data.get().snapshots(swarm));
            }
            swarm.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withAgentVersion(AGENT_VERSION)));
            swarm.addBehaviour(new PingBehaviour());
            if (f.getBool("echo")) {
                swarm.addBehaviour(new EchoBehaviour());
                if (relayClient.isPresent()) {
                    swarm.allowOnLimitedConnections(EchoBehaviour.PROTOCOL_ID);
                }
            }
            if (relayClient.isPresent()) {
                swarm.addBehaviour(relayClient.get());
                if (f.getBool("autoRelay") && bootstrapList(f).isEmpty()) {
                    // No static relays: find them among the connected peers once AutoNAT says private.
                    swarm.addBehaviour(new AutoRelay(relayClient.get()));
                }
            }
            if (f.getBool("relayHop")) {
                swarm.addBehaviour(new RelayService(RelayConfig.defaults()));
            }
            if (holePunching) {
                swarm.addBehaviour(new DcutrBehaviour(tcp));
            }
            if (f.getBool("perf")) {
                swarm.addBehaviour(new PerfBehaviour());
            }
            if (connManager.isPresent()) {
                swarm.addBehaviour(connManager.get());
            }
            if (pubsub.isPresent()) {
                swarm.addBehaviour(new GossipsubBehaviour(pubsub.get()));
            }
            if (!f.getBool("noListenAddrs")) {
                listen(swarm, hostAddrs, err);
            }
            Optional<KademliaBehaviour> dht = dhtMode(f).map(mode -> new KademliaBehaviour(
                    dhtConfig(mode, swarm.listenAddresses())));
            if (dht.isPresent()) {
                if (data.isPresent()) {
                    data.get().attach(dht.get());
                }
                swarm.addBehaviour(dht.get());
                data.ifPresent(d -> d.reprovide(dht.get(), swarm));
            }
            String blockstore = !f.getString("blockstore").isEmpty() || data.isEmpty() ? f.getString("blockstore")
                    : data.get().path().resolve("blocks").toString();
            Optional<org.jlibp2p.ipfs.FileSharing> files = FilesControl.fileSharing(f.getBool("bitswap"),
                    blockstore, swarm, dht);
            NatControl.install(swarm, f.getBool("autonat"), f.getBool("mdns"), err);
            if (metrics.isPresent()) { // after every behaviour: each one with metrics adds its own
                metrics.get().start(swarm);
                err.println("p2pd: metrics at " + metrics.get().url());
            }
            ControlServer cs = ControlServer.start(swarm, control, requestTimeout, connManager, dht);
            files.ifPresent(cs::enableFiles);
            return new Daemon(swarm, cs, dht);
        } catch (IOException | RuntimeException e) {
            swarm.close();
            data.ifPresent(DataDir::close);
            throw e;
        }
    }

    /**
     * The DHT mode of the flags, with go-libp2p-daemon's precedence: {@code -dht} (go's full mode: a server),
     * {@code -dhtClient}, {@code -dhtServer}; empty without any of them.
     */
    static Optional<KademliaConfig.Mode> dhtMode(GoFlags f) {
        if (f.getBool("dht")) {
            return Optional.of(KademliaConfig.Mode.SERVER);
        } else if (f.getBool("dhtClient")) {
            return Optional.of(KademliaConfig.Mode.CLIENT);
        } else if (f.getBool("dhtServer")) {
            return Optional.of(KademliaConfig.Mode.SERVER);
        }
        return Optional.empty();
    }

    /**
     * The DHT's configuration: the public IPFS protocol in {@code mode}, keeping loopback and private addresses
     * (learning them from peers and handing them out) only when the node listens on no public address, as on a LAN
     * or in tests; a public node hands out only public addresses.
     */
    static KademliaConfig dhtConfig(KademliaConfig.Mode mode, List<Multiaddr> listening) {
        boolean anyPublic = false;
        for (Multiaddr a : listening) {
            anyPublic |= isPublic(a);
        }
        return KademliaConfig.defaults().withMode(mode).withPrivateAddresses(!anyPublic);
    }

    /** Whether {@code a} is an IP address routable on the internet (not loopback, private, link- or unique-local). */
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

    /**
     * Pubsub as {@code -pubsubRouter}, {@code -pubsubSign}, {@code -pubsubSignStrict} and the gossipsub heartbeat
     * flags say (zero durations keep go-libp2p-pubsub's defaults). Signing and strict checking go together or not at
     * all: go's lax policies (signing without requiring signatures, or neither) are not offered.
     */
    static GossipsubConfig pubsubConfig(GoFlags f) {
        GossipsubConfig.Builder b = GossipsubConfig.builder();
        switch (f.getString("pubsubRouter")) {
            case "gossipsub" -> b.mode(RouterMode.GOSSIPSUB);
            case "floodsub" -> b.mode(RouterMode.FLOODSUB);
            default -> throw new IllegalArgumentException("-pubsubRouter: unknown router \""
                    + f.getString("pubsubRouter") + "\" (use gossipsub or floodsub)");
        }
        boolean sign = f.getBool("pubsubSign");
        boolean strict = f.getBool("pubsubSignStrict");
        if (sign && strict) {
            b.signaturePolicy(SignaturePolicy.STRICT_SIGN);
        } else if (!sign && strict) {
            b.signaturePolicy(SignaturePolicy.STRICT_NO_SIGN);
        } else {
            throw new IllegalArgumentException("-pubsubSignStrict=false: lax signature checking is not supported;"
                    + " use -pubsubSign and -pubsubSignStrict (signed), or -pubsubSign=false (unsigned, strict)");
        }
        Duration interval = f.getDuration("gossipsubHeartbeatInterval");
        Duration initial = f.getDuration("gossipsubHeartbeatInitialDelay");
        if (interval.isNegative() || initial.isNegative()) {
            throw new IllegalArgumentException("-gossipsubHeartbeatInterval and -gossipsubHeartbeatInitialDelay"
                    + " must not be negative");
        }
        if (!interval.isZero()) {
            b.heartbeatInterval(interval);
        }
        if (!initial.isZero()) {
            b.heartbeatInitialDelay(initial);
        }
        return b.build();
    }

    /**
     * The connection manager of {@code -connLo}, {@code -connHi} and {@code -connGrace}, with go-libp2p's silence
     * period.
     */
    static ConnManagerConfig connManagerConfig(GoFlags f) {
        int lo = f.getInt("connLo");
        int hi = f.getInt("connHi");
        Duration grace = f.getDuration("connGrace");
        if (lo < 0 || hi < 1 || lo > hi) {
            throw new IllegalArgumentException("-connLo and -connHi: need 0 <= connLo <= connHi and connHi >= 1, got"
                    + " connLo " + lo + ", connHi " + hi);
        }
        return new ConnManagerConfig(lo, hi, grace, ConnManagerConfig.DEFAULT_SILENCE_PERIOD);
    }

    /** Listens on {@code -hostAddrs}; by default on every IPv4 and IPv6 interface, IPv6 only where available. */
    private static void listen(Swarm swarm, List<Multiaddr> hostAddrs, PrintStream err) throws IOException {
        if (!hostAddrs.isEmpty()) {
            for (Multiaddr a : hostAddrs) {
                try {
                    swarm.listen(a);
                } catch (IOException e) {
                    throw new IOException("-hostAddrs: cannot listen on " + a + ": " + e.getMessage(), e);
                }
            }
            return;
        }
        swarm.listen(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"));
        try {
            swarm.listen(Multiaddr.parse("/ip6/::/tcp/0"));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "no IPv6 listener: " + e.getMessage());
        }
    }

    /** How long {@link #bootstrap} waits for the bootstrap peers before the daemon reports ready anyway. */
    static final Duration BOOTSTRAP_WAIT = Duration.ofSeconds(20);

    /**
     * Connects to the peers of {@code -bootstrapPeers}, in parallel, waiting at most {@link #BOOTSTRAP_WAIT}. Unlike
     * go-libp2p-daemon, which dials them only with {@code -b}, this daemon dials them whenever they are given, so
     * naming peers is the request to connect; {@code -b} without {@code -bootstrapPeers} dials the public IPFS
     * bootstrap nodes ({@link Dnsaddr#IPFS_BOOTSTRAP}, {@code /dnsaddr} names resolved through DNS), as go's does.
     * With a DHT, the bootstrap peers
     * that serve it enter its routing table once identify has run, and the first one to enter starts the DHT's own
     * bootstrap (a lookup of this node's id and a refresh of its buckets). A peer that cannot be reached is reported
     * on {@code err}; the daemon runs on. Returns the peers dialled.
     */
    static List<Multiaddr> bootstrap(GoFlags f, Swarm swarm, PrintStream err) throws FormatException {
        List<Multiaddr> peers = bootstrapList(f);
        if (peers.isEmpty()) {
            return List.of();
        }
        List<Multiaddr> dialable = new ArrayList<>();
        for (Multiaddr p : peers) {
            try {
                List<Multiaddr> resolved = Dnsaddr.resolve(p);
                if (resolved.isEmpty()) {
                    err.println("p2pd: bootstrap peer " + p + ": its dnsaddr records name no address");
                }
                dialable.addAll(resolved);
            } catch (javax.naming.NamingException e) {
                err.println("p2pd: cannot resolve bootstrap peer " + p + ": " + e.getMessage());
            }
        }
        List<Thread> dials = new ArrayList<>();
        for (Multiaddr p : dialable) {
            if (p.peerIdMultihash().isEmpty()) {
                err.println("p2pd: bootstrap peer " + p + " has no /p2p/<peer id>; connecting without checking"
                        + " its identity");
            }
            dials.add(Thread.ofVirtual().name("bootstrap").start(() -> {
                try {
                    swarm.dial(p);
                } catch (IOException | RuntimeException e) {
                    err.println("p2pd: cannot connect to bootstrap peer " + p + ": " + e.getMessage());
                }
            }));
        }
        try {
            if (!Deadline.after(BOOTSTRAP_WAIT).joinAll(dials)) {
                err.println("p2pd: still connecting to bootstrap peers after " + BOOTSTRAP_WAIT.toSeconds()
                        + " s; carrying on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return peers;
    }

    /**
     * {@code -autoRelay}: reserves a slot on every bootstrap peer that serves circuit relay v2 (the others refuse
     * the hop protocol, which is reported on {@code err}); the client renews each reservation. Returns those made.
     */
    static List<Reservation> autoRelay(Swarm swarm, List<Multiaddr> relays, PrintStream err) {
        RelayClient client = swarm.behaviour(RelayClient.class).orElseThrow(
                () -> new IllegalStateException("-autoRelay needs -relay"));
        List<Reservation> made = new ArrayList<>();
        for (Multiaddr r : relays) {
            try {
                var mh = r.peerIdMultihash();
                if (mh.isEmpty()) {
                    err.println("p2pd: -autoRelay: " + r + " has no /p2p/<peer id>; not a relay candidate");
                    continue;
                }
                made.add(client.reserve(PeerId.fromMultihash(mh.get()), List.of(r.withoutPeerId())));
            } catch (IOException | RuntimeException e) {
                err.println("p2pd: -autoRelay: no reservation on " + r + ": " + e.getMessage());
            }
        }
        return made;
    }

    /** The bootstrap peers: {@code -bootstrapPeers}, else with {@code -b} the public IPFS bootstrap nodes. */
    static List<Multiaddr> bootstrapList(GoFlags f) throws FormatException {
        List<Multiaddr> peers = parseList("bootstrapPeers", f.getString("bootstrapPeers"));
        if (peers.isEmpty() && f.getBool("b")) {
            return parseList("b", String.join(",", Dnsaddr.IPFS_BOOTSTRAP));
        }
        return peers;
    }

    private static Multiaddr parseFlag(String flag, String value) throws FormatException {
        try {
            return Multiaddr.parse(value.trim());
        } catch (FormatException e) {
            throw new FormatException("-" + flag + ": " + e.getMessage(), e);
        }
    }

    static List<Multiaddr> parseList(String flag, String csv) throws FormatException {
        List<Multiaddr> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(parseFlag(flag, s));
            }
        }
        return out;
    }
}
