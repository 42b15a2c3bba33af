package org.jlibp2p.muxer.yamux;

import org.jlibp2p.core.mux.MuxerProtocolException;

/**
 * The 12-byte Yamux frame header: version (8 bits, always 0), type (8), flags (16), stream id (32), length (32), all
 * big-endian. For data frames the length counts the payload that follows; for window updates it is the window
 * delta, for pings an opaque value, for go-away an error code.
 */
record Header(int type, int flags, long streamId, long length) {
    static final int SIZE = 12;
    static final int VERSION = 0;

    static final int TYPE_DATA = 0;
    static final int TYPE_WINDOW_UPDATE = 1;
    static final int TYPE_PING = 2;
    static final int TYPE_GO_AWAY = 3;

    static final int FLAG_SYN = 1;
    static final int FLAG_ACK = 2;
    static final int FLAG_FIN = 4;
    static final int FLAG_RST = 8;

    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;
    static final int GO_AWAY_INTERNAL_ERROR = 2;

    Header {
        if (type < 0 || type > 0xFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("type or flags out of range");
        }
        if (streamId < 0 || streamId > 0xFFFF_FFFFL || length < 0 || length > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("stream id or length out of range");
        }
    }

    /** Writes a header into {@code dst[0..12)}. */
    static void encode(byte[] dst, int type, int flags, long streamId, long length) {
        dst[0] = VERSION;
        dst[1] = (byte) type;
        dst[2] = (byte) (flags >>> 8);
        dst[3] = (byte) flags;
        putInt(dst, 4, streamId);
        putInt(dst, 8, length);
    }

    byte[] encode() {
        byte[] out = new byte[SIZE];
        encode(out, type, flags, streamId, length);
        return out;
    }

    /** Parses {@code src[0..12)}, refusing any version but 0 and unknown frame types. */
    static Header decode(byte[] src) throws MuxerProtocolException {
        int version = src[0] & 0xFF;
        if (version != VERSION) {
            throw new MuxerProtocolException("unsupported yamux version " + version);
        }
        int type = src[1] & 0xFF;
        if (type > TYPE_GO_AWAY) {
            throw new MuxerProtocolException("unknown yamux frame type " + type);
        }
        return new Header(type, flags(src), u32(src, 4), u32(src, 8));
    }

    static int flags(byte[] src) {
        return ((src[2] & 0xFF) << 8) | (src[3] & 0xFF);
    }

    static long u32(byte[] src, int off) {
        return ((src[off] & 0xFFL) << 24) | ((src[off + 1] & 0xFFL) << 16) | ((src[off + 2] & 0xFFL) << 8)
                | (src[off + 3] & 0xFFL);
    }

    private static void putInt(byte[] dst, int off, long v) {
        dst[off] = (byte) (v >>> 24);
        dst[off + 1] = (byte) (v >>> 16);
        dst[off + 2] = (byte) (v >>> 8);
        dst[off + 3] = (byte) v;
    }

    static String typeName(int type) {
        return switch (type) {
            case TYPE_DATA -> "DATA";
            case TYPE_WINDOW_UPDATE -> "WINDOW_UPDATE";
            case TYPE_PING -> "PING";
            case TYPE_GO_AWAY -> "GO_AWAY";
            default -> "TYPE_" + type;
        };
    }

    static String describe(int type, int flags, long streamId, long length) {
        StringBuilder sb = new StringBuilder(typeName(type)).append(" stream=").append(streamId);
        if ((flags & FLAG_SYN) != 0) sb.append(" SYN");
        if ((flags & FLAG_ACK) != 0) sb.append(" ACK");
        if ((flags & FLAG_FIN) != 0) sb.append(" FIN");
        if ((flags & FLAG_RST) != 0) sb.append(" RST");
        return sb.append(" length=").append(length).toString();
    }
}
