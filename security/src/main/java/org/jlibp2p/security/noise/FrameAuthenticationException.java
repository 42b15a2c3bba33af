package org.jlibp2p.security.noise;

import java.io.IOException;

/**
 * A Noise message failed authentication: its ChaCha20-Poly1305 tag does not match, so it was tampered with,
 * corrupted, or encrypted under another key. The channel is unusable afterwards.
 */
public final class FrameAuthenticationException extends IOException {
    public FrameAuthenticationException(String message) {
        super(message);
    }

    public FrameAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
