package org.jlibp2p.identify;

import java.time.Duration;

/**
 * Settings of {@link IdentifyBehaviour}.
 *
 * @param protocolVersion announced protocol family and version (default {@code ipfs/0.1.0}, what go and js send)
 * @param agentVersion announced implementation name and version (default {@code jlibp2p/0.1.0})
 * @param push whether local changes are pushed to connected peers (default true)
 * @param maxMessageSize largest identify message accepted (default 64 KiB)
 * @param timeout how long reading a peer's identify message may wait for its bytes (default 10 s)
 */
public record IdentifyConfig(String protocolVersion, String agentVersion, boolean push, int maxMessageSize,
        Duration timeout) {
    public IdentifyConfig {
        if (maxMessageSize < 1024) {
            throw new IllegalArgumentException("maxMessageSize below 1 KiB");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static IdentifyConfig defaults() {
        return new IdentifyConfig("ipfs/0.1.0", "jlibp2p/0.1.0", true, 64 * 1024, Duration.ofSeconds(10));
    }

    public IdentifyConfig withAgentVersion(String agent) {
        return new IdentifyConfig(protocolVersion, agent, push, maxMessageSize, timeout);
    }

    public IdentifyConfig withPush(boolean value) {
        return new IdentifyConfig(protocolVersion, agentVersion, value, maxMessageSize, timeout);
    }
}
