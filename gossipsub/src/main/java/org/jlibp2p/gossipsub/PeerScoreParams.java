package org.jlibp2p.gossipsub;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jlibp2p.core.peer.PeerId;

/**
 * Peer scoring (gossipsub v1.1): the parameters outside any topic, and each topic's.
 *
 * @param topics the parameters of each scored topic
 * @param topicScoreCap the cap on the sum of topic scores (0: none)
 * @param appSpecificScore P5, the application's own score of a peer
 * @param appSpecificWeight the weight of P5
 * @param ipColocationFactorWeight the weight of P6 (at most 0)
 * @param ipColocationFactorThreshold peers one IP address may hold before P6 counts
 * @param ipColocationFactorWhitelist IP addresses P6 leaves alone
 * @param behaviourPenaltyWeight the weight of P7 (at most 0)
 * @param behaviourPenaltyThreshold the behaviour penalty P7 forgives
 * @param behaviourPenaltyDecay the factor the behaviour penalty decays by each decay interval
 * @param decayInterval how often counters decay
 * @param decayToZero a decayed counter below this becomes 0
 * @param retainScore how long a disconnected peer's score is remembered
 */
public record PeerScoreParams(
        Map<String, TopicScoreParams> topics,
        double topicScoreCap,
        ToDoubleFunction<PeerId> appSpecificScore,
        double appSpecificWeight,
        double ipColocationFactorWeight,
        int ipColocationFactorThreshold,
        Set<String> ipColocationFactorWhitelist,
        double behaviourPenaltyWeight,
        double behaviourPenaltyThreshold,
        double behaviourPenaltyDecay,
        Duration decayInterval,
        double decayToZero,
        Duration retainScore) {
    public PeerScoreParams {
        topics = Map.copyOf(topics);
        ipColocationFactorWhitelist = Set.copyOf(ipColocationFactorWhitelist);
        if (topicScoreCap < 0 || ipColocationFactorWeight > 0 || ipColocationFactorThreshold < 1
                || behaviourPenaltyWeight > 0 || behaviourPenaltyThreshold < 0 || behaviourPenaltyDecay <= 0
                || behaviourPenaltyDecay >= 1 || decayInterval.compareTo(Duration.ofMillis(1)) < 0
                || decayToZero <= 0 || decayToZero >= 1) {
            throw new IllegalArgumentException("invalid score parameters: penalties need weights <= 0, decays in (0, 1)");
        }
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static PeerScoreParams defaults() {
        return new Builder().build();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.topics = topics;
        b.topicScoreCap = topicScoreCap;
        b.appSpecificScore = appSpecificScore;
        b.appSpecificWeight = appSpecificWeight;
        b.ipColocationFactorWeight = ipColocationFactorWeight;
        b.ipColocationFactorThreshold = ipColocationFactorThreshold;
        b.ipColocationFactorWhitelist = ipColocationFactorWhitelist;
        b.behaviourPenaltyWeight = behaviourPenaltyWeight;
        b.behaviourPenaltyThreshold = behaviourPenaltyThreshold;
        b.behaviourPenaltyDecay = behaviourPenaltyDecay;
        b.decayInterval = decayInterval;
        b.decayToZero = decayToZero;
        b.retainScore = retainScore;
        return b;
    }

    /** Sets values one by one; {@link #build} checks them. */
    public static final class Builder {
        private Map<String, TopicScoreParams> topics = Map.of();
        private double topicScoreCap = 0;
        private ToDoubleFunction<PeerId> appSpecificScore = p -> 0;
        private double appSpecificWeight = 1;
        private double ipColocationFactorWeight = 0;
        private int ipColocationFactorThreshold = 1;
        private Set<String> ipColocationFactorWhitelist = Set.of();
        private double behaviourPenaltyWeight = 0;
        private double behaviourPenaltyThreshold = 0;
        private double behaviourPenaltyDecay = 0.99;
        private Duration decayInterval = Duration.ofSeconds(1);
        private double decayToZero = 0.01;
        private Duration retainScore = Duration.ofSeconds(10);

        private Builder() {}

        /** The parameters of each scored topic. */
        public Builder topics(Map<String, TopicScoreParams> value) {
            this.topics = value;
            return this;
        }

        /** The cap on the sum of topic scores (0: none). */
        public Builder topicScoreCap(double value) {
            this.topicScoreCap = value;
            return this;
        }

        /** P5, the application's own score of a peer. */
        public Builder appSpecificScore(ToDoubleFunction<PeerId> value) {
            this.appSpecificScore = value;
            return this;
        }

        /** The weight of P5. */
        public Builder appSpecificWeight(double value) {
            this.appSpecificWeight = value;
            return this;
        }

        /** The weight of P6 (at most 0). */
        public Builder ipColocationFactorWeight(double value) {
            this.ipColocationFactorWeight = value;
            return this;
        }

        /** Peers one IP address may hold before P6 counts. */
        public Builder ipColocationFactorThreshold(int value) {
            this.ipColocationFactorThreshold = value;
            return this;
        }

        /** IP addresses P6 leaves alone. */
        public Builder ipColocationFactorWhitelist(Set<String> value) {
            this.ipColocationFactorWhitelist = value;
            return this;
        }

        /** The weight of P7 (at most 0). */
        public Builder behaviourPenaltyWeight(double value) {
            this.behaviourPenaltyWeight = value;
            return this;
        }

        /** The behaviour penalty P7 forgives. */
        public Builder behaviourPenaltyThreshold(double value) {
            this.behaviourPenaltyThreshold = value;
            return this;
        }

        /** The factor the behaviour penalty decays by each decay interval. */
        public Builder behaviourPenaltyDecay(double value) {
            this.behaviourPenaltyDecay = value;
            return this;
        }

        /** How often counters decay. */
        public Builder decayInterval(Duration value) {
            this.decayInterval = value;
            return this;
        }

        /** A decayed counter below this becomes 0. */
        public Builder decayToZero(double value) {
            this.decayToZero = value;
            return this;
        }

        /** How long a disconnected peer's score is remembered. */
        public Builder retainScore(Duration value) {
            this.retainScore = value;
            return this;
        }

        public PeerScoreParams build() {
            return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight, ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist, behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay, decayInterval, decayToZero, retainScore);
        }
    }
}
