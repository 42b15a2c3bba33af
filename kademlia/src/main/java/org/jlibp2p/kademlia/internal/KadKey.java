package org.jlibp2p.kademlia.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.jlibp2p.core.peer.PeerId;

/**
 * A point of the DHT's keyspace: the SHA-256 of a key's bytes (a peer id's multihash bytes, a record key, a content
 * multihash). The distance between two points is their XOR read as an unsigned 256-bit number.
 */
public final class KadKey implements Comparable<KadKey> {
    /** Bits in the keyspace. */
    public static final int BITS = 256;

    private final byte[] hash;

    private KadKey(byte[] hash) {
        this.hash = hash;
    }

    /** The point of {@code bytes}: their SHA-256. */
    public static KadKey of(byte[] bytes) {
        return new KadKey(sha256(bytes));
    }

    public static KadKey of(PeerId peer) {
        return of(peer.bytes());
    }

    /** A point given by its 32 bytes (already a hash). */
    public static KadKey ofHash(byte[] hash) {
        if (hash.length != 32) {
            throw new IllegalArgumentException("a key is 32 bytes, not " + hash.length);
        }
        return new KadKey(hash.clone());
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** XOR of the two points. */
    public KadKey distance(KadKey other) {
        byte[] d = new byte[32];
        for (int i = 0; i < 32; i++) {
            d[i] = (byte) (hash[i] ^ other.hash[i]);
        }
        return new KadKey(d);
    }

    /** Leading bits shared with {@code other}: 256 for the same point. */
    public int commonPrefixLength(KadKey other) {
        for (int i = 0; i < 32; i++) {
            int x = (hash[i] ^ other.hash[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /** Whether {@code a} is closer to this point than {@code b} is; ties are false. */
    public boolean closer(KadKey a, KadKey b) {
        return compareDistance(a, b) < 0;
    }

    /** Compares the distances of {@code a} and {@code b} from this point, without allocating. */
    public int compareDistance(KadKey a, KadKey b) {
        for (int i = 0; i < 32; i++) {
            int da = (hash[i] ^ a.hash[i]) & 0xff;
            int db = (hash[i] ^ b.hash[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** Unsigned order of the points themselves (for distances, the order of nearness). */
    @Override
    public int compareTo(KadKey o) {
        return Arrays.compareUnsigned(hash, o.hash);
    }

    public byte[] bytes() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadKey k && Arrays.equals(hash, k.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(hash, 0, 6) + "…";
    }
}
