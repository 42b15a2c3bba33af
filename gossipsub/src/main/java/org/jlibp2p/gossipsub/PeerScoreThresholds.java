package org.jlibp2p.gossipsub;



/**
 * The score thresholds of gossipsub v1.1, as go-libp2p-pubsub's examples set them.
 *
 * @param gossipThreshold below it, a peer gets no gossip from us and its gossip is ignored (at most 0)
 * @param publishThreshold below it, a peer gets none of our own messages (at most the gossip threshold)
 * @param graylistThreshold below it, everything a peer sends is ignored (at most the publish threshold)
 * @param acceptPXThreshold a PRUNE's peer exchange is used only from a peer scoring at least this (at least 0)
 * @param opportunisticGraftThreshold below it, the median score of a mesh triggers an opportunistic graft (at least 0)
 */
public record PeerScoreThresholds(
        double gossipThreshold,
        double publishThreshold,
        double graylistThreshold,
        double acceptPXThreshold,
        double opportunisticGraftThreshold) {
    public PeerScoreThresholds {
        if (gossipThreshold > 0 || publishThreshold > gossipThreshold || graylistThreshold > publishThreshold
                || acceptPXThreshold < 0 || opportunisticGraftThreshold < 0) {
            throw new IllegalArgumentException("thresholds need graylist <= publish <= gossip <= 0 <= acceptPX, "
                    + "opportunisticGraft");
        }
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static PeerScoreThresholds defaults() {
        return new Builder().build();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.gossipThreshold = gossipThreshold;
        b.publishThreshold = publishThreshold;
        b.graylistThreshold = graylistThreshold;
        b.acceptPXThreshold = acceptPXThreshold;
        b.opportunisticGraftThreshold = opportunisticGraftThreshold;
        return b;
    }

    /** Sets values one by one; {@link #build} checks them. */
    public static final class Builder {
        private double gossipThreshold = -10;
        private double publishThreshold = -50;
        private double graylistThreshold = -80;
        private double acceptPXThreshold = 10;
        private double opportunisticGraftThreshold = 5;

        private Builder() {}

        /** Below it, a peer gets no gossip from us and its gossip is ignored (at most 0). */
        public Builder gossipThreshold(double value) {
            this.gossipThreshold = value;
            return this;
        }

        /** Below it, a peer gets none of our own messages (at most the gossip threshold). */
        public Builder publishThreshold(double value) {
            this.publishThreshold = value;
            return this;
        }

        /** Below it, everything a peer sends is ignored (at most the publish threshold). */
        public Builder graylistThreshold(double value) {
            this.graylistThreshold = value;
            return this;
        }

        /** A PRUNE's peer exchange is used only from a peer scoring at least this (at least 0). */
        public Builder acceptPXThreshold(double value) {
            this.acceptPXThreshold = value;
            return this;
        }

        /** Below it, the median score of a mesh triggers an opportunistic graft (at least 0). */
        public Builder opportunisticGraftThreshold(double value) {
            this.opportunisticGraftThreshold = value;
            return this;
        }

        public PeerScoreThresholds build() {
            return new PeerScoreThresholds(gossipThreshold, publishThreshold, graylistThreshold, acceptPXThreshold, opportunisticGraftThreshold);
        }
    }
}
