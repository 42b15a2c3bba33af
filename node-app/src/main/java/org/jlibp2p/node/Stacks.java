package org.jlibp2p.node;

import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyConfig;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.tls.TlsConfig;
import org.jlibp2p.security.tls.TlsSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/** Ready-made nodes: the stack most libp2p networks speak, for applications that need nothing unusual. */
public final class Stacks {
    private Stacks() {}

    /**
     * A node over TCP, secured with Noise, multiplexed with {@code muxers} (in order of preference; Yamux when
     * none are given), with identify and ping running. Call {@link Swarm#listen} to accept connections.
     */
    public static Swarm tcpNoise(PrivateKey identity, String agentVersion, StreamMuxer... muxers) {
        return tcpNoise(identity, agentVersion, Limits.defaults(), muxers);
    }

    /** {@link #tcpNoise(PrivateKey, String, StreamMuxer...)} with {@code limits} instead of the defaults. */
    public static Swarm tcpNoise(PrivateKey identity, String agentVersion, Limits limits, StreamMuxer... muxers) {
        List<StreamMuxer> ms = muxers.length == 0 ? List.of(new Yamux()) : List.of(muxers);
        List<String> ids = new ArrayList<>();
        ms.forEach(m -> ids.add(m.protocolId()));
        Swarm swarm = new Swarm(new SwarmConfig(identity, List.of(new TcpTransport()),
                List.of(new NoiseSecureChannel(new NoiseConfig(identity).withStreamMuxers(ids))), ms)
                .withLimits(limits));
        swarm.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withAgentVersion(agentVersion)));
        swarm.addBehaviour(new PingBehaviour());
        return swarm;
    }

    /**
     * A node over TCP, secured with TLS 1.3 ({@code /tls/1.0.0}) only, the muxer agreed by ALPN among {@code muxers}
     * (in order of preference; Yamux when none are given), with identify and ping running.
     */
    public static Swarm tcpTls(PrivateKey identity, String agentVersion, StreamMuxer... muxers) {
        List<StreamMuxer> ms = muxers.length == 0 ? List.of(new Yamux()) : List.of(muxers);
        List<String> ids = new ArrayList<>();
        ms.forEach(m -> ids.add(m.protocolId()));
        Swarm swarm = new Swarm(new SwarmConfig(identity, List.of(new TcpTransport()),
                List.of(new TlsSecureChannel(new TlsConfig(identity).withStreamMuxers(ids))), ms));
        swarm.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withAgentVersion(agentVersion)));
        swarm.addBehaviour(new PingBehaviour());
        return swarm;
    }

    /** {@link #tcpNoise(PrivateKey, String, StreamMuxer...)} with Yamux and the default agent version. */
    public static Swarm tcpNoise(PrivateKey identity) {
        return tcpNoise(identity, IdentifyConfig.defaults().agentVersion());
    }
}
