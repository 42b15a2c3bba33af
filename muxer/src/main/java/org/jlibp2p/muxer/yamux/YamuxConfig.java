package org.jlibp2p.muxer.yamux;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a Yamux session. {@link #DEFAULT} holds the values most libp2p implementations use.
 *
 * @param maxStreamWindow the receive window of a stream may grow from the spec's 256 KiB up to this many bytes when
 *     the application reads faster than one window per few round trips (default 16 MiB, as go-yamux). Memory per
 *     stream is bounded by it: a peer sending past the window is a protocol error.
 * @param maxFrameSize the largest data frame payload this side sends (default 64 KiB); longer writes are split. Over
 *     a connection that sends in units (a Noise session: 65519 bytes of plaintext a message), frames are capped so
 *     that header and payload fit one unit
 * @param ackBacklog how many streams may wait for an acknowledgement: {@code openStream} waits while this many of
 *     our streams are unacknowledged, and inbound streams beyond this many not yet accepted are refused with RST
 *     (default 256, the number the libp2p yamux spec names)
 * @param maxInboundStreams open streams the remote may have initiated at once; more are refused with RST (default
 *     1000, as go-yamux)
 * @param maxOutboundStreams open streams this side may have initiated at once; {@code openStream} beyond throws
 *     {@link org.jlibp2p.core.mux.StreamLimitException} (default 1000)
 * @param keepAliveInterval how often a ping measures the round-trip time and checks the remote is alive; a ping still
 *     unanswered at the next one closes the session. {@link Duration#ZERO} sends only the first ping, at start
 *     (default 30 s)
 * @param closeTimeout how long closing waits at most to send the go-away frame before closing the connection
 *     (default 1 s)
 * @param windowAutoTuning whether receive windows grow beyond 256 KiB (default true)
 * @param maxReceiveBuffer the most bytes received and not read yet that the session holds across all its streams
 *     (default 64 MiB); a data frame that would take it past this resets its stream (RST) instead, and the session
 *     goes on. Without it, a remote could fill the initial window of every stream it may open: 1000 x 256 KiB.
 *     Beyond it, the sessions of one {@link Yamux} share a node-wide {@link org.jlibp2p.muxer.ReceiveBudget}
 */
public record YamuxConfig(
        int maxStreamWindow,
        int maxFrameSize,
        int ackBacklog,
        int maxInboundStreams,
        int maxOutboundStreams,
        Duration keepAliveInterval,
        Duration closeTimeout,
        boolean windowAutoTuning,
        long maxReceiveBuffer) {

    /** The initial receive window of every stream, fixed by the spec. */
    public static final int INITIAL_STREAM_WINDOW = 256 * 1024;

    public static final YamuxConfig DEFAULT = new YamuxConfig(
            16 * 1024 * 1024, 64 * 1024, 256, 1000, 1000, Duration.ofSeconds(30), Duration.ofSeconds(1), true,
            64L * 1024 * 1024);

    public YamuxConfig {
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (maxStreamWindow < INITIAL_STREAM_WINDOW) {
            throw new IllegalArgumentException("maxStreamWindow must be at least " + INITIAL_STREAM_WINDOW);
        }
        if (maxFrameSize < 1024 || maxFrameSize > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxFrameSize must be between 1 KiB and 16 MiB: " + maxFrameSize);
        }
        if (ackBacklog < 1 || maxInboundStreams < 1 || maxOutboundStreams < 1) {
            throw new IllegalArgumentException("stream limits must be positive");
        }
        if (maxReceiveBuffer < maxStreamWindow) {
            throw new IllegalArgumentException(
                    "maxReceiveBuffer must be at least maxStreamWindow: " + maxReceiveBuffer);
        }
        if (keepAliveInterval.isNegative() || closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("keepAliveInterval must be >= 0 and closeTimeout > 0");
        }
    }

    public YamuxConfig withMaxStreamWindow(int value) {
        return new YamuxConfig(value, maxFrameSize, ackBacklog, maxInboundStreams, maxOutboundStreams,
                keepAliveInterval, closeTimeout, windowAutoTuning, maxReceiveBuffer);
    }

    public YamuxConfig withMaxFrameSize(int value) {
        return new YamuxConfig(maxStreamWindow, value, ackBacklog, maxInboundStreams, maxOutboundStreams,
                keepAliveInterval, closeTimeout, windowAutoTuning, maxReceiveBuffer);
    }

    public YamuxConfig withStreamLimits(int ackBacklog, int maxInboundStreams, int maxOutboundStreams) {
        return new YamuxConfig(maxStreamWindow, maxFrameSize, ackBacklog, maxInboundStreams, maxOutboundStreams,
                keepAliveInterval, closeTimeout, windowAutoTuning, maxReceiveBuffer);
    }

    public YamuxConfig withKeepAliveInterval(Duration value) {
        return new YamuxConfig(maxStreamWindow, maxFrameSize, ackBacklog, maxInboundStreams, maxOutboundStreams,
                value, closeTimeout, windowAutoTuning, maxReceiveBuffer);
    }

    public YamuxConfig withWindowAutoTuning(boolean value) {
        return new YamuxConfig(maxStreamWindow, maxFrameSize, ackBacklog, maxInboundStreams, maxOutboundStreams,
                keepAliveInterval, closeTimeout, value, maxReceiveBuffer);
    }

    public YamuxConfig withMaxReceiveBuffer(long value) {
        return new YamuxConfig(maxStreamWindow, maxFrameSize, ackBacklog, maxInboundStreams, maxOutboundStreams,
                keepAliveInterval, closeTimeout, windowAutoTuning, value);
    }
}
