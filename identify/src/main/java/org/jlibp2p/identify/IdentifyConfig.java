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
 * @param confirmations how many peers in distinct IP groups (IPv4 /16, IPv6 /64, or the address itself when loopback or
 *     private) must report the same observed address before it is
 *     confirmed as an external address of this node (default 4, as go-libp2p); 0 confirms none
 */
public record IdentifyConfig(String protocolVersion, String agentVersion, boolean push, int maxMessageSize,
        Duration timeout, int confirmations) {
    public IdentifyConfig {
        if (maxMessageSize < 1024) {
            throw new IllegalArgumentException("maxMessageSize below 1 KiB");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (confirmations < 0) {
            throw new IllegalArgumentException("confirmations must not be negative");
        }
    }

    public static IdentifyConfig defaults() {
        return new IdentifyConfig("ipfs/0.1.0", "jlibp2p/0.1.0", true, 64 * 1024, Duration.ofSeconds(10), 4);
    }

    public IdentifyConfig withAgentVersion(String agent) {
        return new IdentifyConfig(protocolVersion, agent, push, maxMessageSize, timeout, confirmations);
    }

    public IdentifyConfig withPush(boolean value) {
        return new IdentifyConfig(protocolVersion, agentVersion, value, maxMessageSize, timeout, confirmations);
    }

    public IdentifyConfig withConfirmations(int value) {
        return new IdentifyConfig(protocolVersion, agentVersion, push, maxMessageSize, timeout, value);
    }
}
