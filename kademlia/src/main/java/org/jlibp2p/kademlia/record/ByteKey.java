package org.jlibp2p.kademlia.record;

import java.util.Arrays;

/**
 * A byte array as a map key. Comparable, so that a hash map's bin of keys crafted to collide becomes a tree and
 * costs O(log n) per look-up instead of O(n).
 */
record ByteKey(byte[] bytes) implements Comparable<ByteKey> {
    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(ByteKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return bytes.length + " bytes";
    }
}
