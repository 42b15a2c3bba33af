package org.jlibp2p.ipfs.unixfs;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jlibp2p.ipfs.IpfsFormatException;

/**
 * The UnixFS {@code Data} message carried in a dag-pb node's data (ipfs/specs {@code UNIXFS.md}): {@code Type = 1},
 * {@code Data = 2}, {@code filesize = 3}, {@code blocksizes = 4} (repeated, unpacked), {@code hashType = 5},
 * {@code fanout = 6}, {@code mode = 7}, {@code mtime = 8}. Written fields in number order, data omitted when empty,
 * as go-unixfs and js ipfs-unixfs write them, so that the same file or directory gets the same CID. The fields files,
 * directories and HAMT shards need are kept; mode and mtime are skipped when read.
 */
public record UnixFsData(Type type, Optional<byte[]> data, OptionalLong filesize, List<Long> blocksizes,
        OptionalLong hashType, OptionalLong fanout) {
    /** The most block sizes a node may list (bounded by the block size anyway). */
    public static final int MAX_BLOCKSIZES = 1 << 16;

    public enum Type {
        RAW(0), DIRECTORY(1), FILE(2), METADATA(3), SYMLINK(4), HAMT_SHARD(5);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) throws IpfsFormatException {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IpfsFormatException("UnixFS: unknown type " + code);
        }
    }

    public UnixFsData {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(filesize, "filesize");
        blocksizes = List.copyOf(blocksizes);
        Objects.requireNonNull(hashType, "hashType");
        Objects.requireNonNull(fanout, "fanout");
    }

    public UnixFsData(Type type, Optional<byte[]> data, OptionalLong filesize, List<Long> blocksizes) {
        this(type, data, filesize, blocksizes, OptionalLong.empty(), OptionalLong.empty());
    }

    /** A plain directory: the type alone, as every importer writes it. */
    public static UnixFsData directory() {
        return new UnixFsData(Type.DIRECTORY, Optional.empty(), OptionalLong.empty(), List.of());
    }

    /** A HAMT shard node: its bitfield (as written, little-endian), the hash function's code and the fanout. */
    public static UnixFsData hamtShard(byte[] bitfield, long hashType, long fanout) {
        return new UnixFsData(Type.HAMT_SHARD, Optional.of(bitfield), OptionalLong.empty(), List.of(),
                OptionalLong.of(hashType), OptionalLong.of(fanout));
    }

    /** A file leaf holding {@code bytes}. */
    public static UnixFsData fileLeaf(byte[] bytes) {
        return new UnixFsData(Type.FILE, bytes.length == 0 ? Optional.empty() : Optional.of(bytes),
                OptionalLong.of(bytes.length), List.of());
    }

    /** A file node over children of the given sizes. */
    public static UnixFsData fileNode(List<Long> blocksizes) {
        long total = 0;
        for (long s : blocksizes) {
            total += s;
        }
        return new UnixFsData(Type.FILE, Optional.empty(), OptionalLong.of(total), blocksizes);
    }

    /** The size of the file this node stands for: its own data plus its children's. */
    public long fileSize() {
        if (filesize.isPresent()) {
            return filesize.getAsLong();
        }
        long total = data.map(d -> (long) d.length).orElse(0L);
        for (long s : blocksizes) {
            total += s;
        }
        return total;
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeEnum(1, type.code);
            if (data.isPresent()) {
                out.writeByteArray(2, data.get());
            }
            if (filesize.isPresent()) {
                out.writeUInt64(3, filesize.getAsLong());
            }
            for (long s : blocksizes) {
                out.writeUInt64(4, s);
            }
            if (hashType.isPresent()) {
                out.writeUInt64(5, hashType.getAsLong());
            }
            if (fanout.isPresent()) {
                out.writeUInt64(6, fanout.getAsLong());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static UnixFsData decode(byte[] bytes) throws IpfsFormatException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            Type type = null;
            byte[] data = null;
            Long filesize = null;
            Long hashType = null;
            Long fanout = null;
            List<Long> sizes = new ArrayList<>();
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> type = Type.of(in.readEnum());
                    case 2 -> data = in.readByteArray();
                    case 3 -> filesize = in.readUInt64();
                    case 4 -> {
                        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                            int limit = in.pushLimit(in.readRawVarint32());
                            while (in.getBytesUntilLimit() > 0) {
                                addSize(sizes, in.readUInt64());
                            }
                            in.popLimit(limit);
                        } else {
                            addSize(sizes, in.readUInt64());
                        }
                    }
                    case 5 -> hashType = in.readUInt64();
                    case 6 -> fanout = in.readUInt64();
                    default -> {
                        if (!in.skipField(tag)) {
                            break;
                        }
                    }
                }
            }
            if (type == null) {
                throw new IpfsFormatException("UnixFS data without a type");
            }
            if (filesize != null && filesize < 0) {
                throw new IpfsFormatException("UnixFS filesize beyond 2^63");
            }
            return new UnixFsData(type, Optional.ofNullable(data),
                    filesize == null ? OptionalLong.empty() : OptionalLong.of(filesize), sizes,
                    hashType == null ? OptionalLong.empty() : OptionalLong.of(hashType),
                    fanout == null ? OptionalLong.empty() : OptionalLong.of(fanout));
        } catch (IpfsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IpfsFormatException("UnixFS: " + e.getMessage(), e);
        }
    }

    private static void addSize(List<Long> sizes, long s) throws IpfsFormatException {
        if (s < 0 || sizes.size() >= MAX_BLOCKSIZES) {
            throw new IpfsFormatException("UnixFS: bad or too many block sizes");
        }
        sizes.add(s);
    }
}
