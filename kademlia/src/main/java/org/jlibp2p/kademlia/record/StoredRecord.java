package org.jlibp2p.kademlia.record;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/** A value stored for another peer under {@code key}, and when it was received. The arrays are copies. */
public record StoredRecord(byte[] key, byte[] value, Instant received) {
    public StoredRecord {
        key = Objects.requireNonNull(key, "key").clone();
        value = Objects.requireNonNull(value, "value").clone();
        Objects.requireNonNull(received, "received");
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredRecord r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && received.equals(r.received);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), received);
    }

    @Override
    public String toString() {
        return "StoredRecord[key=" + key.length + " bytes, value=" + value.length + " bytes, received=" + received
                + "]";
    }
}
