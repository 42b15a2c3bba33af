package org.jlibp2p.examples.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 digest: the id of a block or a transaction. */
public record Hash(byte[] bytes) {
    public static final int LENGTH = 32;
    /** The parent of the genesis block. */
    public static final Hash ZERO = new Hash(new byte[LENGTH]);

    public Hash {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a hash has 32 bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    public static Hash of(byte[] data) {
        try {
            return new Hash(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** The first 8 hex digits, for logs. */
    public String shortHex() {
        return hex().substring(0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return shortHex();
    }
}
