package org.jlibp2p.core.multiformats;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A multihash: a hash function code and a digest, in binary {@code varint(code) varint(length) digest}.
 *
 * <p>The digest length of the functions the stack knows is checked (sha2-256: 32 bytes, sha2-512: 64 bytes);
 * other codes are carried as they are. Immutable; equality is by code and digest.
 */
public final class Multihash {
    /** The longest digest accepted, including identity digests. */
    public static final int MAX_DIGEST_LENGTH = 1024;

    private final int code;
    private final byte[] digest;

    private Multihash(int code, byte[] digest) {
        this.code = code;
        this.digest = digest;
    }

    /**
     * A multihash of {@code code} over an already computed {@code digest} (copied).
     *
     * @throws IllegalArgumentException if the code is negative or the length is wrong for the function
     */
    public static Multihash of(int code, byte[] digest) {
        String problem = check(code, digest.length);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new Multihash(code, digest.clone());
    }

    /** The multihash of {@code code} over an already computed {@code digest}. */
    public static Multihash of(Multicodec code, byte[] digest) {
        return of(code.code(), digest);
    }

    /** The sha2-256 multihash of {@code data}. */
    public static Multihash sha256(byte[] data) {
        return new Multihash(Multicodec.SHA2_256.code(), digest("SHA-256", data));
    }

    /** The sha2-512 multihash of {@code data}. */
    public static Multihash sha512(byte[] data) {
        return new Multihash(Multicodec.SHA2_512.code(), digest("SHA-512", data));
    }

    /** The identity multihash of {@code data}: the data itself (at most {@link #MAX_DIGEST_LENGTH} bytes). */
    public static Multihash identity(byte[] data) {
        return of(Multicodec.IDENTITY.code(), data);
    }

    /** The hash function code. */
    public int code() {
        return code;
    }

    /** A copy of the digest. */
    public byte[] digest() {
        return digest.clone();
    }

    /** The length of the digest. */
    public int digestLength() {
        return digest.length;
    }

    /** The binary form {@code varint(code) varint(length) digest}. */
    public byte[] bytes() {
        byte[] out = new byte[encodedLength()];
        writeTo(out, 0);
        return out;
    }

    /** The length of {@link #bytes()}. */
    public int encodedLength() {
        return Varint.encodedLength(code) + Varint.encodedLength(digest.length) + digest.length;
    }

    /** Writes {@link #bytes()} into {@code dst} at {@code offset}; returns the number of bytes written. */
    public int writeTo(byte[] dst, int offset) {
        int i = offset;
        i += Varint.encode(code, dst, i);
        i += Varint.encode(digest.length, dst, i);
        System.arraycopy(digest, 0, dst, i, digest.length);
        return i + digest.length - offset;
    }

    /** A multihash and how many bytes it took. */
    public record Decoded(Multihash multihash, int length) {}

    /**
     * Decodes exactly one multihash filling all of {@code bytes}.
     *
     * @throws MultihashException if the bytes are malformed, the length is wrong for the function, or bytes are
     *     missing or left over
     */
    public static Multihash fromBytes(byte[] bytes) throws MultihashException {
        Decoded d = decode(bytes, 0, bytes.length);
        if (d.length() != bytes.length) {
            throw new MultihashException(
                    (bytes.length - d.length()) + " bytes left over after a multihash of " + d.length() + " bytes");
        }
        return d.multihash();
    }

    /**
     * Decodes one multihash at {@code offset} of {@code src}, which must lie within {@code [offset, limit)}; bytes
     * after it are left alone.
     */
    public static Decoded decode(byte[] src, int offset, int limit) throws MultihashException {
        if (offset < 0 || limit > src.length || offset > limit) {
            throw new IllegalArgumentException("range [" + offset + ", " + limit + ") outside " + src.length + " bytes");
        }
        Varint.Decoded code;
        Varint.Decoded length;
        try {
            code = Varint.decode(src, offset, limit);
            length = Varint.decode(src, offset + code.length(), limit);
        } catch (VarintException e) {
            throw new MultihashException("bad multihash header: " + e.getMessage(), e);
        }
        if (code.value() > Integer.MAX_VALUE) {
            throw new MultihashException("multihash function code " + code.value() + " is out of range");
        }
        int start = offset + code.length() + length.length();
        if (length.value() > limit - start) {
            throw new MultihashException("multihash digest length " + length.value() + " exceeds the "
                    + (limit - start) + " bytes available");
        }
        String problem = check((int) code.value(), length.value());
        if (problem != null) {
            throw new MultihashException(problem);
        }
        byte[] digest = Arrays.copyOfRange(src, start, start + (int) length.value());
        return new Decoded(new Multihash((int) code.value(), digest), start - offset + digest.length);
    }

    private static String check(int code, long length) {
        if (code < 0) {
            return "multihash function code " + code + " is negative";
        }
        if (length > MAX_DIGEST_LENGTH) {
            return "multihash digest of " + length + " bytes exceeds the limit of " + MAX_DIGEST_LENGTH;
        }
        int expected = expectedLength(code);
        if (expected >= 0 && length != expected) {
            return Multicodec.ofCode(code).map(Multicodec::codecName).orElseThrow() + " digest must be " + expected
                    + " bytes, not " + length;
        }
        return null;
    }

    /** The digest length a known function produces, or -1 if any length is allowed. */
    private static int expectedLength(int code) {
        if (code == Multicodec.SHA2_256.code()) {
            return 32;
        }
        if (code == Multicodec.SHA2_512.code()) {
            return 64;
        }
        return -1;
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash m && m.code == code && Arrays.equals(m.digest, digest);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(digest);
    }

    /** The function name (or hex code) and the hex digest, e.g. {@code sha2-256:2c26...}. */
    @Override
    public String toString() {
        String name = Multicodec.ofCode(code).map(Multicodec::codecName).orElse("0x" + Integer.toHexString(code));
        return name + ":" + HexFormat.of().formatHex(digest);
    }
}
