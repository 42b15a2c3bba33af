package org.jlibp2p.security.noise;

import java.io.IOException;
import java.util.List;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.security.HandshakeException;

/** What the Noise fuzz targets share: a channel, and the exceptions a handshake documents. */
final class NoiseFuzzing {
    static final KeyPair IDENTITY = Keys.generateEd25519();
    static final List<String> MUXERS = List.of("/yamux/1.0.0", "/mplex/6.7.0");
    /** One channel (one Noise static key) for every run, as a node has. */
    static final NoiseSecureChannel CHANNEL = new NoiseSecureChannel(
            new NoiseConfig(IDENTITY.privateKey()).withStreamMuxers(MUXERS));

    /**
     * What a failed handshake may throw: the handshake's own exceptions, a malformed message or payload, a frame that
     * fails authentication.
     */
    @SuppressWarnings("unchecked")
    static final Class<? extends Exception>[] HANDSHAKE_FAILURES = new Class[] {
        HandshakeException.class, FormatException.class, FrameAuthenticationException.class};

    private NoiseFuzzing() {}

    /** The 2-byte length prefix and {@code message}. */
    static byte[] frame(byte[] message) {
        byte[] f = new byte[2 + message.length];
        f[0] = (byte) (message.length >>> 8);
        f[1] = (byte) message.length;
        System.arraycopy(message, 0, f, 2, message.length);
        return f;
    }

    static IOException unexpected(String what) {
        return new IOException(what);
    }
}
