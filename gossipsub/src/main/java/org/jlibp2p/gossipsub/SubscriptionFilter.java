package org.jlibp2p.gossipsub;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which topics this node subscribes to and tracks for its peers: a peer's subscriptions to other topics are
 * ignored (they cost no state), and {@code subscribe} refuses them.
 */
@FunctionalInterface
public interface SubscriptionFilter {
    boolean allows(String topic);

    /** Every topic. */
    SubscriptionFilter ALL = topic -> true;

    /** Only the topics listed. */
    static SubscriptionFilter allowlist(Set<String> topics) {
        Set<String> copy = Set.copyOf(topics);
        return copy::contains;
    }

    /** Only the topics whose whole name matches {@code pattern}. */
    static SubscriptionFilter matching(Pattern pattern) {
        return topic -> pattern.matcher(topic).matches();
    }
}
