package org.jlibp2p.kademlia.record;

import java.time.Instant;
import java.util.List;

/**
 * Validates and orders the values stored under one key namespace of the DHT (libp2p/specs kad-dht, "Value
 * storage and retrieval"). Implementations read no clock: the time comes in as {@code now}.
 */
public interface Validator {
    /**
     * Checks that {@code value} may be stored under {@code key} at {@code now}.
     *
     * @throws InvalidRecordException naming what is wrong when it may not
     */
    void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException;

    /**
     * Index of the best of {@code values} (each already valid) for {@code key}: the one a query keeps and stores
     * back on peers that returned another.
     *
     * @throws InvalidRecordException if a value cannot be read
     * @throws IllegalArgumentException if {@code values} is empty
     */
    int select(byte[] key, List<byte[]> values, Instant now) throws InvalidRecordException;
}
