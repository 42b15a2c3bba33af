package org.jlibp2p.core.multiformats;

import java.util.Objects;

/**
 * A content identifier, version 0 or 1.
 *
 * <p>CIDv0 is a bare sha2-256 multihash of dag-pb content, written in bare base58btc ({@code Qm...}). CIDv1 is
 * {@code varint(1) varint(codec) multihash}, written in any multibase (base32 lower by default).
 *
 * @param version 0 or 1
 * @param codec the multicodec of the content (always dag-pb for version 0)
 * @param multihash the hash of the content (always a 32-byte sha2-256 for version 0)
 */
public record Cid(int version, int codec, Multihash multihash) {
    /** The longest CID string {@link #parse} decodes, bounding the work spent on hostile input. */
    public static final int MAX_STRING_LENGTH = 4096;

    /** Validates the combination; throws {@link IllegalArgumentException} for one the spec forbids. */
    public Cid {
        Objects.requireNonNull(multihash, "multihash");
        if (version == 0) {
            if (codec != Multicodec.DAG_PB.code() || multihash.code() != Multicodec.SHA2_256.code()) {
                throw new IllegalArgumentException("CIDv0 needs codec dag-pb and a sha2-256 multihash");
            }
        } else if (version != 1) {
            throw new IllegalArgumentException("CID version " + version + " is not 0 or 1");
        }
        if (codec < 0) {
            throw new IllegalArgumentException("negative codec " + codec);
        }
    }

    /** A CIDv0 over a sha2-256 multihash. */
    public static Cid v0(Multihash multihash) {
        return new Cid(0, Multicodec.DAG_PB.code(), multihash);
    }

    /** A CIDv1. */
    public static Cid v1(int codec, Multihash multihash) {
        return new Cid(1, codec, multihash);
    }

    /** A CIDv1. */
    public static Cid v1(Multicodec codec, Multihash multihash) {
        return new Cid(1, codec.code(), multihash);
    }

    /** The binary form: the bare multihash for version 0, {@code varint(1) varint(codec) multihash} for 1. */
    public byte[] bytes() {
        if (version == 0) {
            return multihash.bytes();
        }
        byte[] out = new byte[1 + Varint.encodedLength(codec) + multihash.encodedLength()];
        int i = Varint.encode(1, out, 0);
        i += Varint.encode(codec, out, i);
        multihash.writeTo(out, i);
        return out;
    }

    /** Bare base58btc for version 0, base32 lower multibase for version 1. */
    @Override
    public String toString() {
        return version == 0 ? Base58.encode(bytes()) : Multibase.encode(Multibase.Encoding.BASE32, bytes());
    }

    /**
     * A version-1 CID in the multibase {@code encoding}. A version-0 CID has only one text form: asking for it with
     * {@link Multibase.Encoding#BASE58BTC} gives the bare {@code Qm...} string.
     *
     * @throws IllegalArgumentException for a version-0 CID and any other encoding
     */
    public String toString(Multibase.Encoding encoding) {
        if (version == 0) {
            if (encoding != Multibase.Encoding.BASE58BTC) {
                throw new IllegalArgumentException("a CIDv0 is written in bare base58btc only");
            }
            return toString();
        }
        return Multibase.encode(encoding, bytes());
    }

    /** This CID as version 1 (same codec and multihash). */
    public Cid toV1() {
        return version == 1 ? this : new Cid(1, codec, multihash);
    }

    /**
     * Parses a CID string: a 46-character {@code Qm...} string is a CIDv0; anything else must be a multibase
     * string of a CIDv1.
     */
    public static Cid parse(String text) throws CidException {
        if (text.length() > MAX_STRING_LENGTH) {
            throw new CidException("CID string of " + text.length() + " characters exceeds " + MAX_STRING_LENGTH);
        }
        if (text.length() == 46 && text.startsWith("Qm")) {
            byte[] bytes;
            try {
                bytes = Base58.decode(text);
            } catch (MultibaseException e) {
                throw new CidException("bad CIDv0: " + e.getMessage(), e);
            }
            Cid cid = fromBytes(bytes);
            if (cid.version != 0) {
                throw new CidException("a Qm... string must be a CIDv0");
            }
            return cid;
        }
        byte[] bytes;
        try {
            bytes = Multibase.decode(text);
        } catch (MultibaseException e) {
            throw new CidException("bad CID string: " + e.getMessage(), e);
        }
        Cid cid = fromBytes(bytes);
        if (cid.version != 1) {
            throw new CidException("a CIDv0 cannot be multibase-encoded");
        }
        return cid;
    }

    /** Decodes exactly one CID filling all of {@code bytes}. */
    public static Cid fromBytes(byte[] bytes) throws CidException {
        if (bytes.length == 34 && bytes[0] == 0x12 && bytes[1] == 0x20) {
            try {
                return v0(Multihash.fromBytes(bytes));
            } catch (MultihashException e) {
                throw new CidException("bad CIDv0: " + e.getMessage(), e);
            }
        }
        try {
            Varint.Decoded version = Varint.decode(bytes, 0, bytes.length);
            if (version.value() != 1) {
                throw new CidException(version.value() == 0x12
                        ? "CIDv0 bytes must be a 34-byte sha2-256 multihash, not " + bytes.length + " bytes"
                        : "unsupported CID version " + version.value());
            }
            Varint.Decoded codec = Varint.decode(bytes, version.length(), bytes.length);
            if (codec.value() > Integer.MAX_VALUE) {
                throw new CidException("CID codec " + codec.value() + " is out of range");
            }
            int start = version.length() + codec.length();
            Multihash.Decoded mh = Multihash.decode(bytes, start, bytes.length);
            if (start + mh.length() != bytes.length) {
                throw new CidException((bytes.length - start - mh.length()) + " bytes left over after the CID");
            }
            return new Cid(1, (int) codec.value(), mh.multihash());
        } catch (VarintException | MultihashException e) {
            throw new CidException("bad CID bytes: " + e.getMessage(), e);
        }
    }
}
