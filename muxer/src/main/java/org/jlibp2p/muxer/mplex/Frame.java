package org.jlibp2p.muxer.mplex;

import org.jlibp2p.core.multiformats.Varint;

/**
 * The mplex frame header: an unsigned varint {@code id << 3 | flag}, then an unsigned varint length, then that many
 * bytes. The flag says what the frame does and whether its sender opened the stream (initiator) or not (receiver).
 */
final class Frame {
    static final int NEW_STREAM = 0;
    static final int MESSAGE_RECEIVER = 1;
    static final int MESSAGE_INITIATOR = 2;
    static final int CLOSE_RECEIVER = 3;
    static final int CLOSE_INITIATOR = 4;
    static final int RESET_RECEIVER = 5;
    static final int RESET_INITIATOR = 6;

    /** Stream ids are at most 60 bits, so that {@code id << 3 | flag} fits a 63-bit varint. */
    static final long MAX_STREAM_ID = (1L << 60) - 1;
    /** The longest header: two varints, the second at most 1 MiB (3 bytes). */
    static final int MAX_HEADER_SIZE = Varint.MAX_BYTES + 3;

    private Frame() {}

    /** Writes the header for a frame with {@code length} bytes of payload into {@code dst}; returns its size. */
    static int encodeHeader(byte[] dst, long streamId, int flag, int length) {
        int n = Varint.encode(streamId << 3 | flag, dst, 0);
        return n + Varint.encode(length, dst, n);
    }

    static String flagName(int flag) {
        return switch (flag) {
            case NEW_STREAM -> "NewStream";
            case MESSAGE_RECEIVER -> "MessageReceiver";
            case MESSAGE_INITIATOR -> "MessageInitiator";
            case CLOSE_RECEIVER -> "CloseReceiver";
            case CLOSE_INITIATOR -> "CloseInitiator";
            case RESET_RECEIVER -> "ResetReceiver";
            case RESET_INITIATOR -> "ResetInitiator";
            default -> "flag " + flag;
        };
    }
}
