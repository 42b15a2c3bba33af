package org.jlibp2p.relay;

import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.muxer.yamux.YamuxConfig;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;

/**
 * An in-memory network for relay tests: node 0 is the relay (a {@link RelayService}); every node has a
 * {@link RelayClient}, the {@link RelayTransport} and echo, allowed on limited connections.
 */
final class RelayNet implements AutoCloseable {
    final TestNetwork net;
    final RelayService service;
    final List<RelayClient> clients = new ArrayList<>();

    RelayNet(int nodes, RelayConfig config) throws IOException {
        this.service = new RelayService(config);
        List<RelayClient> made = clients;
        this.net = TestNetwork.builder().nodes(nodes).manualClock().configure(c -> {
            RelayClient client = new RelayClient();
            made.add(client);
            List<Transport> transports = new ArrayList<>(c.transports());
            transports.add(new RelayTransport(client));
            // Keep-alive pings off: the tests move the clock by minutes at once, faster than a ping's answer.
            var muxers = List.<org.jlibp2p.core.mux.StreamMuxer>of(
                    new Yamux(YamuxConfig.DEFAULT.withKeepAliveInterval(Duration.ZERO)));
            return new SwarmConfig(c.identity(), transports, c.security(), muxers, c.limits(), c.dialTimeout(),
                    c.eventQueueCapacity(), c.scheduler(), c.idleConnectionTimeout());
        }).behaviours(i -> i == 0 ? List.of(service, made.get(i), new EchoBehaviour())
                : List.of(made.get(i), new EchoBehaviour())).build();
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
