package org.jlibp2p.gossipsub;

/**
 * A peer broke one of the {@link RpcLimits}: the RPC is refused whole and the peer's stream is reset. Names the limit
 * and the value seen.
 */
public final class RpcLimitException extends PubsubFormatException {
    private final String limit;
    private final long value;
    private final long max;

    public RpcLimitException(String limit, long value, long max) {
        super(limit + " is " + value + ", more than the limit of " + max);
        this.limit = limit;
        this.value = value;
        this.max = max;
    }

    /** The limit broken, e.g. {@code "subscriptions per RPC"}. */
    public String limit() {
        return limit;
    }

    public long value() {
        return value;
    }

    public long max() {
        return max;
    }
}
