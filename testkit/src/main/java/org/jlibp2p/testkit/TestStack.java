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
import org.jlibp2p.security.tls.TlsConfig;
import org.jlibp2p.security.tls.TlsSecureChannel;

/**
 * The security and muxer combinations test nodes run: the real Noise with Yamux or mplex, TLS 1.3 with Yamux (agreed
 * by ALPN), and a fast path with
 * {@code /plaintext/2.0.0} (which proves no identity: for tests only, where thousands of connections are made).
 */
public enum TestStack {
    NOISE_YAMUX, NOISE_MPLEX, TLS_YAMUX, PLAINTEXT_YAMUX;

    public SecureChannel security(PrivateKey key) {
        return switch (this) {
            case NOISE_YAMUX -> new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)));
            case NOISE_MPLEX -> new NoiseSecureChannel(new NoiseConfig(key).withStreamMuxers(List.of(Mplex.PROTOCOL_ID)));
            case TLS_YAMUX -> new TlsSecureChannel(new TlsConfig(key).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)));
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
        return switch (this) {
            case PLAINTEXT_YAMUX -> PlaintextSecureChannel.PROTOCOL_ID;
            case TLS_YAMUX -> TlsSecureChannel.PROTOCOL_ID;
            default -> NoiseSecureChannel.PROTOCOL_ID;
        };
    }
}
