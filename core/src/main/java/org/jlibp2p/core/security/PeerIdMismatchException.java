package org.jlibp2p.core.security;

import org.jlibp2p.core.peer.PeerId;

/** The remote proved an identity other than the one expected (or than the peer id it announced). */
public final class PeerIdMismatchException extends HandshakeException {
    private final PeerId expected;
    private final PeerId actual;

    public PeerIdMismatchException(PeerId expected, PeerId actual) {
        super("expected peer " + expected + " but the remote proved " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public PeerId expected() {
        return expected;
    }

    public PeerId actual() {
        return actual;
    }
}
