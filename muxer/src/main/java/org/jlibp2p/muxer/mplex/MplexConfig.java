package org.jlibp2p.muxer.mplex;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an mplex session. mplex has no flow control, so the receive side bounds each stream's buffer: when a
 * frame arrives for a stream whose buffer is full, the session's reader waits for the application to read (which
 * holds up the whole connection, and through TCP the sender), and resets the stream if it waited longer than
 * {@link #receiveTimeout()} — what go-mplex does.
 *
 * @param maxBufferedPerStream bytes received but not yet read, per stream (default 4 MiB; at least one frame)
 * @param receiveTimeout how long the reader waits for room in a stream's buffer before resetting it (default 5 s,
 *     as go-mplex)
 * @param acceptBacklog inbound streams waiting for {@code acceptStream}; more are reset (default 1000: unlike Yamux,
 *     mplex cannot make the opener wait for acknowledgements, so a burst of opens lands here at once)
 * @param maxInboundStreams open streams the remote may have initiated at once; more are reset (default 1000)
 * @param maxOutboundStreams open streams this side may have initiated at once; {@code openStream} beyond throws
 *     {@link org.jlibp2p.core.mux.StreamLimitException} (default 1000)
 * @param writeChunkSize the largest message this side sends; longer writes are split (default 256 KiB, at most the
 *     spec's 1 MiB)
 * @param maxReceiveBuffer bytes received but not yet read across all the session's streams (default 64 MiB, at
 *     least {@code maxBufferedPerStream}); a message that would take the session past it resets its stream at once.
 *     Without it, a remote could fill every stream it may open: 1000 x 4 MiB. Beyond it, the sessions of one
 *     {@link Mplex} share a node-wide {@link org.jlibp2p.muxer.ReceiveBudget}
 */
public record MplexConfig(
        int maxBufferedPerStream,
        Duration receiveTimeout,
        int acceptBacklog,
        int maxInboundStreams,
        int maxOutboundStreams,
        int writeChunkSize,
        long maxReceiveBuffer) {

    /** The largest message the spec allows; a longer length prefix is refused before anything is allocated. */
    public static final int MAX_MESSAGE_SIZE = 1024 * 1024;

    public static final MplexConfig DEFAULT =
            new MplexConfig(4 * 1024 * 1024, Duration.ofSeconds(5), 1000, 1000, 1000, 256 * 1024, 64L * 1024 * 1024);

    public MplexConfig {
        Objects.requireNonNull(receiveTimeout, "receiveTimeout");
        if (maxBufferedPerStream < MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxBufferedPerStream must hold at least one message of 1 MiB");
        }
        if (receiveTimeout.isNegative() || receiveTimeout.isZero()) {
            throw new IllegalArgumentException("receiveTimeout must be positive");
        }
        if (acceptBacklog < 1 || maxInboundStreams < 1 || maxOutboundStreams < 1) {
            throw new IllegalArgumentException("stream limits must be positive");
        }
        if (maxReceiveBuffer < maxBufferedPerStream) {
            throw new IllegalArgumentException("maxReceiveBuffer must be at least maxBufferedPerStream");
        }
        if (writeChunkSize < 1 || writeChunkSize > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("writeChunkSize must be between 1 and " + MAX_MESSAGE_SIZE);
        }
    }

    public MplexConfig withReceiveTimeout(Duration value) {
        return new MplexConfig(maxBufferedPerStream, value, acceptBacklog, maxInboundStreams, maxOutboundStreams,
                writeChunkSize, maxReceiveBuffer);
    }

    public MplexConfig withMaxBufferedPerStream(int value) {
        return new MplexConfig(value, receiveTimeout, acceptBacklog, maxInboundStreams, maxOutboundStreams,
                writeChunkSize, maxReceiveBuffer);
    }

    public MplexConfig withStreamLimits(int acceptBacklog, int maxInboundStreams, int maxOutboundStreams) {
        return new MplexConfig(maxBufferedPerStream, receiveTimeout, acceptBacklog, maxInboundStreams,
                maxOutboundStreams, writeChunkSize, maxReceiveBuffer);
    }

    public MplexConfig withMaxReceiveBuffer(long value) {
        return new MplexConfig(maxBufferedPerStream, receiveTimeout, acceptBacklog, maxInboundStreams,
                maxOutboundStreams, writeChunkSize, value);
    }
}
