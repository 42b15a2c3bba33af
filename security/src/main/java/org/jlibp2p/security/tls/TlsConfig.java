package org.jlibp2p.security.tls;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.crypto.PrivateKey;

/**
 * Configuration of the TLS secure channel.
 *
 * @param identity the local libp2p identity key, which signs the certificate key
 * @param streamMuxers the stream muxers offered in ALPN for early muxer negotiation, most preferred first; empty (the
 *     default) offers only {@code "libp2p"}, which leaves muxer negotiation to multistream-select
 * @param random the source of the certificate key, the serial number and the TLS handshake's randomness
 */
public record TlsConfig(PrivateKey identity, List<String> streamMuxers, SecureRandom random) {
    public TlsConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(random, "random");
        streamMuxers = List.copyOf(streamMuxers);
        for (String muxer : streamMuxers) {
            if (muxer.isEmpty() || muxer.length() > 255) {
                throw new IllegalArgumentException("a stream muxer protocol id in ALPN takes 1 to 255 bytes: \""
                        + muxer + "\"");
            }
            if (muxer.equals(TlsSecureChannel.ALPN_LIBP2P)) {
                throw new IllegalArgumentException("\"libp2p\" is not a stream muxer; it is always offered last");
            }
        }
    }

    /** No early muxer negotiation, keys from a new {@link SecureRandom}. */
    public TlsConfig(PrivateKey identity) {
        this(identity, List.of(), new SecureRandom());
    }

    /** This configuration offering {@code muxers} (most preferred first) for early muxer negotiation. */
    public TlsConfig withStreamMuxers(List<String> muxers) {
        return new TlsConfig(identity, muxers, random);
    }
}
