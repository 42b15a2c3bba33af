package org.jlibp2p.security.noise;

import java.io.IOException;

/** A Noise cipher state used all 2^64-1 nonces of its key; the channel must be closed. */
public final class NonceExhaustedException extends IOException {
    public NonceExhaustedException() {
        super("the Noise cipher state ran out of nonces");
    }
}
