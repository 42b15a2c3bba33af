package org.jlibp2p.security.noise;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.crypto.PrivateKey;

/**
 * Configuration of the Noise secure channel.
 *
 * @param identity the local libp2p identity key, which signs the Noise static key
 * @param streamMuxers the stream muxers offered for early muxer negotiation, most preferred first; empty (the
 *     default) leaves muxer negotiation to multistream-select
 * @param random the source of the Noise static and ephemeral keys
 */
public record NoiseConfig(PrivateKey identity, List<String> streamMuxers, SecureRandom random) {
    public NoiseConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(random, "random");
        streamMuxers = List.copyOf(streamMuxers);
        for (String muxer : streamMuxers) {
            if (muxer.isEmpty()) {
                throw new IllegalArgumentException("empty stream muxer protocol id");
            }
        }
    }

    /** No early muxer negotiation, keys from a new {@link SecureRandom}. */
    public NoiseConfig(PrivateKey identity) {
        this(identity, List.of(), new SecureRandom());
    }

    /** This configuration offering {@code muxers} (most preferred first) for early muxer negotiation. */
    public NoiseConfig withStreamMuxers(List<String> muxers) {
        return new NoiseConfig(identity, muxers, random);
    }
}
