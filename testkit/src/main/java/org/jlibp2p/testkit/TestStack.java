package org.jlibp2p.testkit;

import java.util.List;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.plaintext.PlaintextSecureChannel;

/**
 * The security and muxer combinations test nodes run: the real Noise with Yamux or mplex, and a fast path with
 * {@code /plaintext/2.0.0} (which proves no identity: for tests only, where thousands of connections are made).
 */
public enum TestStack {
    NOISE_YAMUX, NOISE_MPLEX, PLAINTEXT_YAMUX;

    public SecureChannel security(PrivateKey key) {
        return switch (this) {
            case NOISE_YAMUX -> new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)));
            case NOISE_MPLEX -> new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(Mplex.PROTOCOL_ID)));
            case PLAINTEXT_YAMUX -> new PlaintextSecureChannel(key);
        };
    }

    public StreamMuxer muxer() {
        return this == NOISE_MPLEX ? new Mplex() : new Yamux();
    }

    public String muxerId() {
        return this == NOISE_MPLEX ? Mplex.PROTOCOL_ID : Yamux.PROTOCOL_ID;
    }

    public String securityId() {
        return this == PLAINTEXT_YAMUX ? PlaintextSecureChannel.PROTOCOL_ID : NoiseSecureChannel.PROTOCOL_ID;
    }
}
