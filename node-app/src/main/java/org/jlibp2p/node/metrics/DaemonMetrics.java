package org.jlibp2p.node.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.gossipsub.GossipsubBehaviour;
import org.jlibp2p.ipfs.bitswap.BitswapBehaviour;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayService;
import org.jlibp2p.kademlia.KademliaBehaviour;

/**
 * The daemon's Prometheus endpoint ({@code p2pd -metricsAddr}): {@code http://<addr>/metrics} in the Prometheus
 * text format (and OpenMetrics, on request), served by the Prometheus client's own HTTP server, bound to the given
 * address only. It exists only when the flag is given.
 *
 * <p>What it shows comes from {@link MetricsSource}s, one per part of the node: {@link #sources} lists them. Added
 * to the swarm as a behaviour, it hands every swarm event to each source, and closes the endpoint when the node
 * stops.
 */
public final class DaemonMetrics implements Behaviour {
    private static final System.Logger LOG = System.getLogger(DaemonMetrics.class.getName());

    private final InetSocketAddress bind;
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private List<MetricsSource> sources = List.of();
    private HTTPServer server;

    private DaemonMetrics(InetSocketAddress bind) {
        this.bind = bind;
    }

    /**
     * The endpoint of a {@code -metricsAddr} value: {@code <host>:<port>} as go's daemon takes it ({@code [v6]:port}
     * for IPv6), or a multiaddr {@code /ip4|ip6/<addr>/tcp/<port>}; port 0 picks a free port.
     */
    public static DaemonMetrics forAddress(String flag) throws FormatException {
        String text = flag.trim();
        Optional<InetSocketAddress> addr;
        if (text.startsWith("/")) {
            addr = SocketAddresses.toInetSocketAddress(Multiaddr.parse(text));
        } else {
            int colon = text.lastIndexOf(':');
            String host = colon > 0 ? text.substring(0, colon) : "";
            String port = colon > 0 ? text.substring(colon + 1) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            addr = Optional.empty();
            if (!host.isEmpty() && !port.isEmpty() && port.chars().allMatch(Character::isDigit)
                    && port.length() <= 5 && Integer.parseInt(port) <= 65535) {
                try {
                    addr = Optional.of(new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port)));
                } catch (IOException e) {
                    throw new FormatException("-metricsAddr: cannot resolve " + host + ": " + e.getMessage());
                }
            }
        }
        return new DaemonMetrics(addr.orElseThrow(() -> new FormatException("-metricsAddr: \"" + flag
                + "\" is not <host>:<port> nor /ip4|ip6/<addr>/tcp/<port>")));
    }

    /** {@code transport}, counting the bytes of its connections for {@code libp2p_transport_*_bytes}. */
    public Transport counting(Transport transport) {
        return new CountingTransport(transport, received, sent);
    }

    /**
     * The sources of the node's metrics: the swarm's, and one for each behaviour that has some. To add a module's
     * metrics, add its source here (as {@code swarm.behaviour(BitswapBehaviour.class).map(BitswapMetrics::new)} does).
     */
    List<MetricsSource> sources(Swarm swarm) {
        List<MetricsSource> out = new ArrayList<>();
        out.add(new SwarmMetrics(swarm, received, sent));
        swarm.behaviour(KademliaBehaviour.class).map(DhtMetrics::new).ifPresent(out::add);
        swarm.behaviour(GossipsubBehaviour.class).map(PubsubMetrics::new).ifPresent(out::add);
        swarm.behaviour(BitswapBehaviour.class).map(BitswapMetrics::new).ifPresent(out::add);
        Optional<RelayClient> relayClient = swarm.behaviour(RelayClient.class);
        Optional<RelayService> relayService = swarm.behaviour(RelayService.class);
        if (relayClient.isPresent() || relayService.isPresent()) {
            out.add(new RelayMetrics(relayClient, relayService));
        }
        return out;
    }

    /**
     * Registers the metrics of the swarm and its behaviours (add it after them), starts serving them, and joins
     * the swarm to count its events.
     */
    public void start(Swarm swarm) throws IOException {
        sources = List.copyOf(sources(swarm));
        for (MetricsSource s : sources) {
            s.register(registry);
        }
        try {
            server = HTTPServer.builder().inetAddress(bind.getAddress()).port(bind.getPort()).registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new IOException("-metricsAddr: cannot serve metrics at " + bind + ": " + e.getMessage(), e);
        }
        swarm.addBehaviour(this);
    }

    /** Where the endpoint serves, e.g. {@code http://127.0.0.1:5001/metrics}. */
    public String url() {
        String host = bind.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/metrics";
    }

    /** The port the endpoint listens on. */
    public int port() {
        return server.getPort();
    }

    /** The registry the endpoint serves. */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        for (MetricsSource s : sources) {
            try {
                s.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "metrics source " + s.getClass().getSimpleName() + " failed", e);
            }
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
