package org.jlibp2p.relay.dcutr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayService;
import org.jlibp2p.relay.RelayTransport;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.testkit.EventRecorder;
import org.jlibp2p.transport.tcp.TcpTransport;

/** A node over real TCP with port reuse, Noise, Yamux, identify, echo, the relay client, DCUtR and maybe a relay. */
final class TcpNode implements AutoCloseable {
    final Swarm swarm;
    final RelayClient client = new RelayClient();
    final EventRecorder recorder = new EventRecorder();
    final Multiaddr address;
    final RelayService service = new RelayService();

    TcpNode(String listen, boolean relayService) throws IOException {
        PrivateKey key = Keys.generateEd25519().privateKey();
        TcpTransport tcp = TcpTransport.withPortReuse();
        SwarmConfig config = new SwarmConfig(key, List.of(tcp, new RelayTransport(client)),
                List.of(new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)))),
                List.of(new Yamux()));
        swarm = new Swarm(config);
        List<Behaviour> behaviours = new ArrayList<>(List.of(recorder, new IdentifyBehaviour(), new EchoBehaviour(),
                client, new DcutrBehaviour(tcp)));
        if (relayService) {
            behaviours.add(service);
        }
        behaviours.forEach(swarm::addBehaviour);
        swarm.allowOnLimitedConnections(EchoBehaviour.PROTOCOL_ID);
        address = swarm.listen(Multiaddr.parse(listen)).withPeerId(swarm.localPeer().multihash());
    }

    @Override
    public void close() {
        swarm.close();
    }
}
