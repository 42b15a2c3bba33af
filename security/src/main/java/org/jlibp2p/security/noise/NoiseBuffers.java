package org.jlibp2p.security.noise;

import org.jlibp2p.core.io.BufferPool;

/**
 * The buffer pools of one {@link NoiseSecureChannel}, shared by the sessions it makes and by no other channel's: the
 * connections of one node draw on them, and two nodes in one JVM never share a buffer.
 *
 * @param read read-ahead buffers of inputs, room for four largest frames. One read from the socket takes up to four
 *     frames, and a frame that straddles the end of the buffer (moved to its front) costs a copy at most once per
 *     four frames
 * @param write buffers of outputs, room for two largest frames: a flush writes every frame sealed since the last one
 *     in one system call, e.g. the full frame and the small remainder of a 64 KiB write
 * @param plain plaintext buffers of inputs, one frame's worth
 */
record NoiseBuffers(BufferPool read, BufferPool write, BufferPool plain) {
    /** Pools of the sizes and capacities a channel uses. */
    static NoiseBuffers create() {
        return new NoiseBuffers(
                new BufferPool(4 * NoiseSession.MAX_WIRE_FRAME, 16),
                new BufferPool(2 * NoiseSession.MAX_WIRE_FRAME, 32),
                new BufferPool(NoiseSession.MAX_PLAINTEXT, 32));
    }
}
