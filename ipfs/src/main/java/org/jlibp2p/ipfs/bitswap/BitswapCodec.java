package org.jlibp2p.ipfs.bitswap;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.CidException;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.ipfs.Block;

/**
 * Bitswap messages on the wire: the protobuf {@code Message { Wantlist wantlist = 1; repeated bytes blocks = 2;
 * repeated Block payload = 3; repeated BlockPresence blockPresences = 4; int32 pendingBytes = 5; }} (boxo's
 * {@code message.proto}), each varint-length-prefixed. Blocks are sent as payload (1.1.0 and later): the CID prefix
 * (version, codec, hash function, digest length, as varints) and the data; the receiver hashes the data itself, so a
 * block always arrives with the CID its bytes really have. Decoding checks every limit of {@link BitswapLimits}.
 */
public final class BitswapCodec {
    private BitswapCodec() {}

    public static void write(OutputStream out, BitswapMessage m) throws IOException {
        LengthPrefixed.write(out, encode(m));
    }

    /** Reads one message; null when the stream ends cleanly between messages. */
    public static BitswapMessage read(InputStream in, BitswapLimits limits) throws IOException {
        byte[] frame;
        try {
            frame = LengthPrefixed.read(in, limits.maxMessageSize());
        } catch (org.jlibp2p.core.io.FrameTooLargeException e) {
            throw new BitswapProtocolException("message larger than " + limits.maxMessageSize() + " bytes", e);
        } catch (java.io.EOFException e) {
            return null; // the varint's first byte never came: a clean end (a truncated frame is a FormatException)
        } catch (org.jlibp2p.core.FormatException e) {
            throw new BitswapProtocolException("bad frame: " + e.getMessage(), e);
        }
        return decode(frame, limits);
    }

    public static byte[] encode(BitswapMessage m) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            if (!m.wantlist().isEmpty() || m.full()) {
                ByteArrayOutputStream wl = new ByteArrayOutputStream();
                CodedOutputStream w = CodedOutputStream.newInstance(wl);
                for (BitswapMessage.Entry e : m.wantlist()) {
                    ByteArrayOutputStream eb = new ByteArrayOutputStream();
                    CodedOutputStream x = CodedOutputStream.newInstance(eb);
                    x.writeByteArray(1, e.cid().bytes());
                    x.writeInt32(2, e.priority());
                    if (e.cancel()) {
                        x.writeBool(3, true);
                    }
                    if (e.type() == BitswapMessage.WantType.HAVE) {
                        x.writeEnum(4, 1);
                    }
                    if (e.sendDontHave()) {
                        x.writeBool(5, true);
                    }
                    x.flush();
                    w.writeByteArray(1, eb.toByteArray());
                }
                if (m.full()) {
                    w.writeBool(2, true);
                }
                w.flush();
                out.writeByteArray(1, wl.toByteArray());
            }
            for (Block b : m.blocks()) {
                ByteArrayOutputStream bb = new ByteArrayOutputStream(b.data().length + 16);
                CodedOutputStream x = CodedOutputStream.newInstance(bb);
                x.writeByteArray(1, prefix(b.cid()));
                x.writeByteArray(2, b.data());
                x.flush();
                out.writeByteArray(3, bb.toByteArray());
            }
            for (BitswapMessage.Presence p : m.presences()) {
                ByteArrayOutputStream pb = new ByteArrayOutputStream();
                CodedOutputStream x = CodedOutputStream.newInstance(pb);
                x.writeByteArray(1, p.cid().bytes());
                if (!p.have()) {
                    x.writeEnum(2, 1);
                }
                x.flush();
                out.writeByteArray(4, pb.toByteArray());
            }
            if (m.pendingBytes() != 0) {
                out.writeInt32(5, m.pendingBytes());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CID prefix: version, codec, multihash code and digest length, as varints. */
    static byte[] prefix(Cid cid) {
        long[] parts = {cid.version(), cid.codec(), cid.multihash().code(), cid.multihash().digestLength()};
        int n = 0;
        for (long p : parts) {
            n += Varint.encodedLength(p);
        }
        byte[] out = new byte[n];
        int i = 0;
        for (long p : parts) {
            i += Varint.encode(p, out, i);
        }
        return out;
    }

    /** The encoded size of a message holding only {@code b}, an upper bound of what it adds to a message. */
    static int blockOverhead(Block b) {
        return b.data().length + 64;
    }

    public static BitswapMessage decode(byte[] frame, BitswapLimits limits) throws BitswapProtocolException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(frame);
            List<BitswapMessage.Entry> entries = new ArrayList<>();
            List<Block> blocks = new ArrayList<>();
            List<BitswapMessage.Presence> presences = new ArrayList<>();
            boolean full = false;
            int pending = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (tag) {
                    case 10 -> full |= decodeWantlist(in.readByteArray(), entries, limits);
                    case 18 -> { // bitswap 1.0.0 blocks: CIDv0 of the data
                        checkCount(blocks.size(), limits.maxBlocksPerMessage(), "blocks");
                        byte[] data = checkBlock(in.readByteArray(), limits);
                        blocks.add(new Block(Cid.v0(Multihash.sha256(data)), data));
                    }
                    case 26 -> {
                        checkCount(blocks.size(), limits.maxBlocksPerMessage(), "blocks");
                        blocks.add(decodePayload(in.readByteArray(), limits));
                    }
                    case 34 -> {
                        checkCount(presences.size(), limits.maxPresencesPerMessage(), "block presences");
                        presences.add(decodePresence(in.readByteArray()));
                    }
                    case 40 -> pending = in.readInt32();
                    default -> {
                        if (!in.skipField(tag)) {
                            throw new BitswapProtocolException("bad field, tag " + tag);
                        }
                    }
                }
            }
            return new BitswapMessage(entries, full, blocks, presences, pending);
        } catch (BitswapProtocolException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw new BitswapProtocolException("malformed message: " + e.getMessage(), e);
        }
    }

    private static void checkCount(int n, int max, String what) throws BitswapProtocolException {
        if (n >= max) {
            throw new BitswapProtocolException("more than " + max + " " + what + " in a message");
        }
    }

    private static byte[] checkBlock(byte[] data, BitswapLimits limits) throws BitswapProtocolException {
        if (data.length > limits.maxBlockSize()) {
            throw new BitswapProtocolException("block of " + data.length + " bytes");
        }
        return data;
    }

    private static boolean decodeWantlist(byte[] bytes, List<BitswapMessage.Entry> entries, BitswapLimits limits)
            throws IOException, CidException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        boolean full = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == 10) {
                checkCount(entries.size(), limits.maxWantlistEntries(), "wantlist entries");
                entries.add(decodeEntry(in.readByteArray()));
            } else if (tag == 16) {
                full = in.readBool();
            } else if (!in.skipField(tag)) {
                throw new BitswapProtocolException("bad wantlist field, tag " + tag);
            }
        }
        return full;
    }

    private static BitswapMessage.Entry decodeEntry(byte[] bytes) throws IOException, CidException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        Cid cid = null;
        int priority = 0;
        boolean cancel = false;
        boolean sendDontHave = false;
        BitswapMessage.WantType type = BitswapMessage.WantType.BLOCK;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case 10 -> cid = Cid.fromBytes(in.readByteArray());
                case 16 -> priority = in.readInt32();
                case 24 -> cancel = in.readBool();
                case 32 -> type = in.readEnum() == 1 ? BitswapMessage.WantType.HAVE : BitswapMessage.WantType.BLOCK;
                case 40 -> sendDontHave = in.readBool();
                default -> {
                    if (!in.skipField(tag)) {
                        throw new BitswapProtocolException("bad entry field, tag " + tag);
                    }
                }
            }
        }
        if (cid == null) {
            throw new BitswapProtocolException("wantlist entry without a CID");
        }
        return new BitswapMessage.Entry(cid, priority, cancel, type, sendDontHave);
    }

    private static Block decodePayload(byte[] bytes, BitswapLimits limits) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        byte[] prefix = null;
        byte[] data = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == 10) {
                prefix = in.readByteArray();
            } else if (tag == 18) {
                data = checkBlock(in.readByteArray(), limits);
            } else if (!in.skipField(tag)) {
                throw new BitswapProtocolException("bad block field, tag " + tag);
            }
        }
        if (prefix == null) {
            throw new BitswapProtocolException("block without a prefix");
        }
        if (data == null) {
            data = new byte[0]; // proto3 leaves an empty bytes field out: an empty block (js sends the empty file so)
        }
        return new Block(cidOf(prefix, data), data);
    }

    /** The CID of {@code data} under {@code prefix}: its hash computed here, never taken from the sender. */
    static Cid cidOf(byte[] prefix, byte[] data) throws BitswapProtocolException {
        long[] v = new long[4];
        int i = 0;
        try {
            for (int k = 0; k < 4; k++) {
                Varint.Decoded d = Varint.decode(prefix, i, prefix.length);
                v[k] = d.value();
                i += d.length();
            }
        } catch (Exception e) {
            throw new BitswapProtocolException("bad CID prefix", e);
        }
        if (i != prefix.length) {
            throw new BitswapProtocolException("bad CID prefix: trailing bytes");
        }
        if (v[2] != Multicodec.SHA2_256.code() || v[3] != 32) {
            throw new BitswapProtocolException("unsupported hash function 0x" + Long.toHexString(v[2]));
        }
        Multihash mh = Multihash.sha256(data);
        try {
            if (v[0] == 0) {
                if (v[1] != Multicodec.DAG_PB.code()) {
                    throw new BitswapProtocolException("CIDv0 prefix with codec " + v[1]);
                }
                return Cid.v0(mh);
            }
            if (v[0] != 1 || v[1] > Integer.MAX_VALUE) {
                throw new BitswapProtocolException("bad CID prefix");
            }
            return Cid.v1((int) v[1], mh);
        } catch (IllegalArgumentException e) {
            throw new BitswapProtocolException("bad CID prefix", e);
        }
    }

    private static BitswapMessage.Presence decodePresence(byte[] bytes) throws IOException, CidException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        Cid cid = null;
        boolean have = true;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == 10) {
                cid = Cid.fromBytes(in.readByteArray());
            } else if (tag == 16) {
                have = in.readEnum() == 0;
            } else if (!in.skipField(tag)) {
                throw new BitswapProtocolException("bad presence field, tag " + tag);
            }
        }
        if (cid == null) {
            throw new BitswapProtocolException("block presence without a CID");
        }
        return new BitswapMessage.Presence(cid, have);
    }
}
