package org.jlibp2p.ipfs;

import java.util.Arrays;
import java.util.Objects;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.multiformats.Multihash;

/**
 * A block: bytes and the content id that names them. {@link #verified} is the only way to build one from bytes a peer
 * sent: it recomputes the hash. The data array is never written after construction.
 */
public record Block(Cid cid, byte[] data) {
    /** The largest block accepted from a peer or stored, as boxo's Bitswap (2 MiB). */
    public static final int MAX_SIZE = 2 * 1024 * 1024;

    public Block {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(data, "data");
    }

    /** A block for {@code data} under a CID of {@code version} (0 or 1) and {@code codec}, hashed with SHA-256. */
    public static Block of(int version, int codec, byte[] data) {
        Multihash mh = Multihash.sha256(data);
        return new Block(version == 0 ? Cid.v0(mh) : Cid.v1(codec, mh), data);
    }

    /**
     * The block {@code cid} names, if {@code data} hashes to it.
     *
     * @throws BlockMismatchException if it does not, or the hash function is not supported
     */
    public static Block verified(Cid cid, byte[] data) throws BlockMismatchException {
        if (!hashMatches(cid.multihash(), data)) {
            throw new BlockMismatchException("data does not hash to " + cid);
        }
        return new Block(cid, data);
    }

    /** Whether {@code data} hashes to {@code mh} (sha2-256 and identity are supported; others never match). */
    public static boolean hashMatches(Multihash mh, byte[] data) {
        if (mh.code() == Multicodec.SHA2_256.code()) {
            return mh.equals(Multihash.sha256(data));
        }
        if (mh.code() == Multicodec.IDENTITY.code()) {
            return Arrays.equals(mh.digest(), data);
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Block b && cid.equals(b.cid) && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return cid.hashCode();
    }

    @Override
    public String toString() {
        return "Block[" + cid + ", " + data.length + " bytes]";
    }
}
