package org.jlibp2p.kademlia;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The requests a DHT node served (in server mode), counted by message type and outcome since it started. Read from
 * any thread at any time (a metrics scrape); the counts only grow.
 */
public final class ServedRequests {
    /** What became of a request. */
    public enum Outcome {
        /** Answered (or, for ADD_PROVIDER, which has no answer, taken). */
        ANSWERED,
        /** Read, then refused (an invalid record, a record whose key is not the message's): the stream is reset. */
        REFUSED,
        /** Not a message at all (not the protobuf, an unknown type, too large): the stream is reset. */
        MALFORMED
    }

    /** The request types, as the protocol names them. */
    public static final List<String> TYPES = List.of("FIND_NODE", "GET_VALUE", "PUT_VALUE", "ADD_PROVIDER",
            "GET_PROVIDERS", "PING");
    /** The type a malformed request counts under: one that could not be read has none. */
    public static final String UNKNOWN = "UNKNOWN";

    private final LongAdder[][] counts = new LongAdder[TYPES.size() + 1][Outcome.values().length];

    ServedRequests() {
        for (LongAdder[] row : counts) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new LongAdder();
            }
        }
    }

    /** Requests of {@code type} (one of {@link #TYPES}, or {@link #UNKNOWN}) that ended as {@code outcome}. */
    public long count(String type, Outcome outcome) {
        return counts[row(type)][outcome.ordinal()].sum();
    }

    void record(String type, Outcome outcome) {
        counts[row(type)][outcome.ordinal()].increment();
    }

    private static int row(String type) {
        int i = TYPES.indexOf(type);
        if (i < 0 && !UNKNOWN.equals(type)) {
            throw new IllegalArgumentException("not a DHT request type: " + type);
        }
        return i < 0 ? TYPES.size() : i;
    }
}
