package org.jlibp2p.relay;

import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.muxer.yamux.YamuxConfig;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.transport.tcp.TcpTransport;

/**
 * An in-memory network for relay tests: node 0 is the relay (a {@link RelayService}); every node has a
 * {@link RelayClient}, the {@link RelayTransport} (and TCP, to dial addresses that never answer) and echo, allowed on
 * limited connections; with {@code identify}, identify too.
 */
final class RelayNet implements AutoCloseable {
    final TestNetwork net;
    final RelayService service;
    final List<RelayClient> clients = new ArrayList<>();

    RelayNet(int nodes, RelayConfig config) throws IOException {
        this(nodes, config, false);
    }

    RelayNet(int nodes, RelayConfig config, boolean identify) throws IOException {
        this(nodes, config, identify, SwarmConfig.DEFAULT_RELAY_DIAL_DELAY);
    }

    RelayNet(int nodes, RelayConfig config, boolean identify, Duration relayDialDelay) throws IOException {
        this.service = new RelayService(config);
        List<RelayClient> made = clients;
        this.net = TestNetwork.builder().nodes(nodes).manualClock().configure(c -> {
            RelayClient client = new RelayClient();
            made.add(client);
            List<Transport> transports = new ArrayList<>(c.transports());
            transports.add(new RelayTransport(client));
            transports.add(new TcpTransport());
            // Keep-alive pings off: the tests move the clock by minutes at once, faster than a ping's answer.
            var muxers = List.<org.jlibp2p.core.mux.StreamMuxer>of(
                    new Yamux(YamuxConfig.DEFAULT.withKeepAliveInterval(Duration.ZERO)));
            return new SwarmConfig(c.identity(), transports, c.security(), muxers, c.limits(), c.dialTimeout(),
                    c.eventQueueCapacity(), c.scheduler(), c.idleConnectionTimeout(), relayDialDelay);
        }).behaviours(i -> {
            List<Behaviour> b = new ArrayList<>(i == 0 ? List.of(service, made.get(i), new EchoBehaviour())
                    : List.of(made.get(i), new EchoBehaviour()));
            if (identify) {
                b.add(new IdentifyBehaviour());
            }
            return b;
        }).build();
        for (TestNode n : net.nodes()) {
            n.swarm().allowOnLimitedConnections(EchoBehaviour.PROTOCOL_ID);
        }
    }

    TestNode relay() {
        return net.node(0);
    }

    TestNode node(int i) {
        return net.node(i);
    }

    RelayClient client(int i) {
        return clients.get(i);
    }

    /** Node {@code i} reserves on the relay. */
    Reservation reserve(int i) throws IOException {
        return client(i).reserve(relay().peerId(), List.of(relay().address()));
    }

    @Override
    public void close() {
        net.close();
    }
}
