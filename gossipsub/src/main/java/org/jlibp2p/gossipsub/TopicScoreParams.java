package org.jlibp2p.gossipsub;

import java.time.Duration;

/**
 * The score parameters of one topic (P1 to P4); a weight of 0 turns its part off.
 *
 * @param topicWeight the weight of this topic's score
 * @param timeInMeshWeight the weight of P1, time in the mesh
 * @param timeInMeshQuantum the unit P1 counts time in
 * @param timeInMeshCap the cap on P1's count
 * @param firstMessageDeliveriesWeight the weight of P2, first deliveries
 * @param firstMessageDeliveriesDecay the decay of P2's counter
 * @param firstMessageDeliveriesCap the cap on P2's counter
 * @param meshMessageDeliveriesWeight the weight of P3, the deficit of mesh deliveries (at most 0)
 * @param meshMessageDeliveriesDecay the decay of P3's counter
 * @param meshMessageDeliveriesThreshold the mesh deliveries expected; fewer make a deficit
 * @param meshMessageDeliveriesCap the cap on P3's counter
 * @param meshMessageDeliveriesActivation how long after a graft P3 starts counting
 * @param meshMessageDeliveriesWindow how late after the first delivery a mesh peer's copy still counts
 * @param meshFailurePenaltyWeight the weight of P3b, the deficit at prune time (at most 0)
 * @param meshFailurePenaltyDecay the decay of P3b's counter
 * @param invalidMessageDeliveriesWeight the weight of P4, invalid messages (at most 0)
 * @param invalidMessageDeliveriesDecay the decay of P4's counter
 */
public record TopicScoreParams(
        double topicWeight,
        double timeInMeshWeight,
        Duration timeInMeshQuantum,
        double timeInMeshCap,
        double firstMessageDeliveriesWeight,
        double firstMessageDeliveriesDecay,
        double firstMessageDeliveriesCap,
        double meshMessageDeliveriesWeight,
        double meshMessageDeliveriesDecay,
        double meshMessageDeliveriesThreshold,
        double meshMessageDeliveriesCap,
        Duration meshMessageDeliveriesActivation,
        Duration meshMessageDeliveriesWindow,
        double meshFailurePenaltyWeight,
        double meshFailurePenaltyDecay,
        double invalidMessageDeliveriesWeight,
        double invalidMessageDeliveriesDecay) {
    public TopicScoreParams {
        if (topicWeight < 0 || timeInMeshWeight < 0 || timeInMeshQuantum.isZero() || timeInMeshCap <= 0
                || firstMessageDeliveriesWeight < 0 || meshMessageDeliveriesWeight > 0
                || meshFailurePenaltyWeight > 0 || invalidMessageDeliveriesWeight > 0
                || meshMessageDeliveriesThreshold <= 0 || !decay(firstMessageDeliveriesDecay)
                || !decay(meshMessageDeliveriesDecay) || !decay(meshFailurePenaltyDecay)
                || !decay(invalidMessageDeliveriesDecay)) {
            throw new IllegalArgumentException("invalid topic score parameters: rewards need weights >= 0, "
                    + "penalties <= 0, decays in (0, 1)");
        }
    }

    private static boolean decay(double d) {
        return d > 0 && d < 1;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static TopicScoreParams defaults() {
        return new Builder().build();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.topicWeight = topicWeight;
        b.timeInMeshWeight = timeInMeshWeight;
        b.timeInMeshQuantum = timeInMeshQuantum;
        b.timeInMeshCap = timeInMeshCap;
        b.firstMessageDeliveriesWeight = firstMessageDeliveriesWeight;
        b.firstMessageDeliveriesDecay = firstMessageDeliveriesDecay;
        b.firstMessageDeliveriesCap = firstMessageDeliveriesCap;
        b.meshMessageDeliveriesWeight = meshMessageDeliveriesWeight;
        b.meshMessageDeliveriesDecay = meshMessageDeliveriesDecay;
        b.meshMessageDeliveriesThreshold = meshMessageDeliveriesThreshold;
        b.meshMessageDeliveriesCap = meshMessageDeliveriesCap;
        b.meshMessageDeliveriesActivation = meshMessageDeliveriesActivation;
        b.meshMessageDeliveriesWindow = meshMessageDeliveriesWindow;
        b.meshFailurePenaltyWeight = meshFailurePenaltyWeight;
        b.meshFailurePenaltyDecay = meshFailurePenaltyDecay;
        b.invalidMessageDeliveriesWeight = invalidMessageDeliveriesWeight;
        b.invalidMessageDeliveriesDecay = invalidMessageDeliveriesDecay;
        return b;
    }

    /** Sets values one by one; {@link #build} checks them. */
    public static final class Builder {
        private double topicWeight = 1;
        private double timeInMeshWeight = 0;
        private Duration timeInMeshQuantum = Duration.ofSeconds(1);
        private double timeInMeshCap = 3600;
        private double firstMessageDeliveriesWeight = 0;
        private double firstMessageDeliveriesDecay = 0.5;
        private double firstMessageDeliveriesCap = 100;
        private double meshMessageDeliveriesWeight = 0;
        private double meshMessageDeliveriesDecay = 0.5;
        private double meshMessageDeliveriesThreshold = 1;
        private double meshMessageDeliveriesCap = 100;
        private Duration meshMessageDeliveriesActivation = Duration.ofSeconds(5);
        private Duration meshMessageDeliveriesWindow = Duration.ofMillis(10);
        private double meshFailurePenaltyWeight = 0;
        private double meshFailurePenaltyDecay = 0.5;
        private double invalidMessageDeliveriesWeight = 0;
        private double invalidMessageDeliveriesDecay = 0.5;

        private Builder() {}

        /** The weight of this topic's score. */
        public Builder topicWeight(double value) {
            this.topicWeight = value;
            return this;
        }

        /** The weight of P1, time in the mesh. */
        public Builder timeInMeshWeight(double value) {
            this.timeInMeshWeight = value;
            return this;
        }

        /** The unit P1 counts time in. */
        public Builder timeInMeshQuantum(Duration value) {
            this.timeInMeshQuantum = value;
            return this;
        }

        /** The cap on P1's count. */
        public Builder timeInMeshCap(double value) {
            this.timeInMeshCap = value;
            return this;
        }

        /** The weight of P2, first deliveries. */
        public Builder firstMessageDeliveriesWeight(double value) {
            this.firstMessageDeliveriesWeight = value;
            return this;
        }

        /** The decay of P2's counter. */
        public Builder firstMessageDeliveriesDecay(double value) {
            this.firstMessageDeliveriesDecay = value;
            return this;
        }

        /** The cap on P2's counter. */
        public Builder firstMessageDeliveriesCap(double value) {
            this.firstMessageDeliveriesCap = value;
            return this;
        }

        /** The weight of P3, the deficit of mesh deliveries (at most 0). */
        public Builder meshMessageDeliveriesWeight(double value) {
            this.meshMessageDeliveriesWeight = value;
            return this;
        }

        /** The decay of P3's counter. */
        public Builder meshMessageDeliveriesDecay(double value) {
            this.meshMessageDeliveriesDecay = value;
            return this;
        }

        /** The mesh deliveries expected; fewer make a deficit. */
        public Builder meshMessageDeliveriesThreshold(double value) {
            this.meshMessageDeliveriesThreshold = value;
            return this;
        }

        /** The cap on P3's counter. */
        public Builder meshMessageDeliveriesCap(double value) {
            this.meshMessageDeliveriesCap = value;
            return this;
        }

        /** How long after a graft P3 starts counting. */
        public Builder meshMessageDeliveriesActivation(Duration value) {
            this.meshMessageDeliveriesActivation = value;
            return this;
        }

        /** How late after the first delivery a mesh peer's copy still counts. */
        public Builder meshMessageDeliveriesWindow(Duration value) {
            this.meshMessageDeliveriesWindow = value;
            return this;
        }

        /** The weight of P3b, the deficit at prune time (at most 0). */
        public Builder meshFailurePenaltyWeight(double value) {
            this.meshFailurePenaltyWeight = value;
            return this;
        }

        /** The decay of P3b's counter. */
        public Builder meshFailurePenaltyDecay(double value) {
            this.meshFailurePenaltyDecay = value;
            return this;
        }

        /** The weight of P4, invalid messages (at most 0). */
        public Builder invalidMessageDeliveriesWeight(double value) {
            this.invalidMessageDeliveriesWeight = value;
            return this;
        }

        /** The decay of P4's counter. */
        public Builder invalidMessageDeliveriesDecay(double value) {
            this.invalidMessageDeliveriesDecay = value;
            return this;
        }

        public TopicScoreParams build() {
            return new TopicScoreParams(topicWeight, timeInMeshWeight, timeInMeshQuantum, timeInMeshCap, firstMessageDeliveriesWeight, firstMessageDeliveriesDecay, firstMessageDeliveriesCap, meshMessageDeliveriesWeight, meshMessageDeliveriesDecay, meshMessageDeliveriesThreshold, meshMessageDeliveriesCap, meshMessageDeliveriesActivation, meshMessageDeliveriesWindow, meshFailurePenaltyWeight, meshFailurePenaltyDecay, invalidMessageDeliveriesWeight, invalidMessageDeliveriesDecay);
        }
    }
}
