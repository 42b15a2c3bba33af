package org.jlibp2p.gossipsub;

import java.time.Duration;

/**
 * How a node runs pubsub; the defaults are go-libp2p-pubsub's.
 *
 * @param mode gossipsub (meshsub v1.2, v1.1, v1.0, and floodsub peers) or floodsub alone
 * @param d the mesh degree D a topic's mesh is brought back to
 * @param dLo D_lo: fewer mesh peers than this and the heartbeat grafts
 * @param dHi D_hi: more mesh peers than this and the heartbeat prunes
 * @param dScore D_score: mesh peers kept for their score when pruning
 * @param dOut D_out: outbound peers the mesh keeps
 * @param dLazy D_lazy: the least number of peers gossip goes to
 * @param gossipFactor the share of other peers gossip goes to, when more than D_lazy
 * @param historyLength heartbeats a message stays in the message cache
 * @param historyGossip heartbeats of the message cache advertised in gossip
 * @param gossipRetransmission times one peer may ask for the same message by IWANT
 * @param heartbeatInitialDelay the delay before the first heartbeat
 * @param heartbeatInterval the time between heartbeats
 * @param fanoutTtl how long a fanout set outlives the last publish to its topic
 * @param seenTtl how long a message id is remembered as seen
 * @param seenCapacity message ids remembered at most (the oldest go first)
 * @param pruneBackoff the backoff a PRUNE asks for
 * @param unsubscribeBackoff the backoff a PRUNE sent on leaving a topic asks for
 * @param prunePeers peers offered in a PRUNE's peer exchange
 * @param doPX whether PRUNEs offer other peers (peer exchange)
 * @param graftFloodThreshold a GRAFT sooner than this after a PRUNE costs an extra behaviour penalty
 * @param opportunisticGraftTicks heartbeats between opportunistic grafts
 * @param opportunisticGraftPeers peers an opportunistic graft adds
 * @param maxIHaveLength message ids asked for from one peer per heartbeat, and advertised to one peer at once
 * @param maxIHaveMessages IHAVEs taken from one peer per heartbeat
 * @param iwantFollowupTime how long a peer that advertised a message has to deliver it once asked
 * @param idontwantMessageThreshold messages at least this large (data bytes) are announced by IDONTWANT to the mesh
 * @param idontwantTtlHeartbeats heartbeats an IDONTWANT received is kept
 * @param maxIDontWantMessages message ids kept per peer from its IDONTWANTs
 * @param floodPublish whether this node's own messages go to every topic peer above the publish threshold, not only the mesh
 * @param signaturePolicy how messages are signed and checked
 * @param messageIdFunction the message-id function; null for the policy's default (author and seqno, or the content hash when anonymous)
 * @param limits what one peer may send
 * @param maxPendingValidations messages awaiting an asynchronous verdict at once
 * @param sendQueueCapacity RPCs queued for one peer; more are dropped and counted
 * @param subscriptionBuffer messages a subscription holds unread; more are dropped and counted
 * @param scoreParams peer scoring; null turns it off (every score is 0)
 * @param thresholds the score thresholds
 * @param subscriptionFilter the topics tracked
 * @param emitMessages whether each delivered message is also emitted as a GossipsubEvent.Received
 * @param seed the seed of the router's random choices (fixed in tests for repeatable runs)
 */
public record GossipsubConfig(
        RouterMode mode,
        int d,
        int dLo,
        int dHi,
        int dScore,
        int dOut,
        int dLazy,
        double gossipFactor,
        int historyLength,
        int historyGossip,
        int gossipRetransmission,
        Duration heartbeatInitialDelay,
        Duration heartbeatInterval,
        Duration fanoutTtl,
        Duration seenTtl,
        int seenCapacity,
        Duration pruneBackoff,
        Duration unsubscribeBackoff,
        int prunePeers,
        boolean doPX,
        Duration graftFloodThreshold,
        int opportunisticGraftTicks,
        int opportunisticGraftPeers,
        int maxIHaveLength,
        int maxIHaveMessages,
        Duration iwantFollowupTime,
        int idontwantMessageThreshold,
        int idontwantTtlHeartbeats,
        int maxIDontWantMessages,
        boolean floodPublish,
        SignaturePolicy signaturePolicy,
        MessageIdFunction messageIdFunction,
        RpcLimits limits,
        int maxPendingValidations,
        int sendQueueCapacity,
        int subscriptionBuffer,
        PeerScoreParams scoreParams,
        PeerScoreThresholds thresholds,
        SubscriptionFilter subscriptionFilter,
        boolean emitMessages,
        long seed) {
    public GossipsubConfig {
        if (d < 1 || dLo < 1 || dLo > d || dHi < d || dScore < 0 || dScore > d || dOut < 0 || dOut >= dLo
                || dOut > d / 2 || dLazy < 0) {
            throw new IllegalArgumentException("mesh degrees need 1 <= D_lo <= D <= D_hi, D_score <= D, "
                    + "D_out < D_lo and D_out <= D/2");
        }
        if (historyGossip < 1 || historyGossip > historyLength || gossipRetransmission < 1 || gossipFactor < 0
                || gossipFactor > 1) {
            throw new IllegalArgumentException("gossip needs 1 <= historyGossip <= historyLength and a factor in [0, 1]");
        }
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative() || heartbeatInitialDelay.isNegative()
                || sendQueueCapacity < 1 || subscriptionBuffer < 1 || maxPendingValidations < 1
                || seenCapacity < 1) {
            throw new IllegalArgumentException("intervals, queues and buffers must be positive");
        }
        java.util.Objects.requireNonNull(mode);
        java.util.Objects.requireNonNull(signaturePolicy);
        java.util.Objects.requireNonNull(limits);
        java.util.Objects.requireNonNull(thresholds);
        java.util.Objects.requireNonNull(subscriptionFilter);
    }

    /** The message-id function in force: the configured one, or the policy's default. */
    public MessageIdFunction idFunction() {
        if (messageIdFunction != null) {
            return messageIdFunction;
        }
        return signaturePolicy == SignaturePolicy.ANONYMOUS ? MessageIdFunction.CONTENT_HASH
                : MessageIdFunction.FROM_AND_SEQNO;
    }

    /** Floodsub alone, with go-libp2p-pubsub's other defaults. */
    public static GossipsubConfig floodsub() {
        return builder().mode(RouterMode.FLOODSUB).build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static GossipsubConfig defaults() {
        return new Builder().build();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.d = d;
        b.dLo = dLo;
        b.dHi = dHi;
        b.dScore = dScore;
        b.dOut = dOut;
        b.dLazy = dLazy;
        b.gossipFactor = gossipFactor;
        b.historyLength = historyLength;
        b.historyGossip = historyGossip;
        b.gossipRetransmission = gossipRetransmission;
        b.heartbeatInitialDelay = heartbeatInitialDelay;
        b.heartbeatInterval = heartbeatInterval;
        b.fanoutTtl = fanoutTtl;
        b.seenTtl = seenTtl;
        b.seenCapacity = seenCapacity;
        b.pruneBackoff = pruneBackoff;
        b.unsubscribeBackoff = unsubscribeBackoff;
        b.prunePeers = prunePeers;
        b.doPX = doPX;
        b.graftFloodThreshold = graftFloodThreshold;
        b.opportunisticGraftTicks = opportunisticGraftTicks;
        b.opportunisticGraftPeers = opportunisticGraftPeers;
        b.maxIHaveLength = maxIHaveLength;
        b.maxIHaveMessages = maxIHaveMessages;
        b.iwantFollowupTime = iwantFollowupTime;
        b.idontwantMessageThreshold = idontwantMessageThreshold;
        b.idontwantTtlHeartbeats = idontwantTtlHeartbeats;
        b.maxIDontWantMessages = maxIDontWantMessages;
        b.floodPublish = floodPublish;
        b.signaturePolicy = signaturePolicy;
        b.messageIdFunction = messageIdFunction;
        b.limits = limits;
        b.maxPendingValidations = maxPendingValidations;
        b.sendQueueCapacity = sendQueueCapacity;
        b.subscriptionBuffer = subscriptionBuffer;
        b.scoreParams = scoreParams;
        b.thresholds = thresholds;
        b.subscriptionFilter = subscriptionFilter;
        b.emitMessages = emitMessages;
        b.seed = seed;
        return b;
    }

    /** Sets values one by one; {@link #build} checks them. */
    public static final class Builder {
        private RouterMode mode = RouterMode.GOSSIPSUB;
        private int d = 6;
        private int dLo = 5;
        private int dHi = 12;
        private int dScore = 4;
        private int dOut = 2;
        private int dLazy = 6;
        private double gossipFactor = 0.25;
        private int historyLength = 5;
        private int historyGossip = 3;
        private int gossipRetransmission = 3;
        private Duration heartbeatInitialDelay = Duration.ofMillis(100);
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration fanoutTtl = Duration.ofSeconds(60);
        private Duration seenTtl = Duration.ofSeconds(120);
        private int seenCapacity = 250_000;
        private Duration pruneBackoff = Duration.ofMinutes(1);
        private Duration unsubscribeBackoff = Duration.ofSeconds(10);
        private int prunePeers = 16;
        private boolean doPX = false;
        private Duration graftFloodThreshold = Duration.ofSeconds(10);
        private int opportunisticGraftTicks = 60;
        private int opportunisticGraftPeers = 2;
        private int maxIHaveLength = 5000;
        private int maxIHaveMessages = 10;
        private Duration iwantFollowupTime = Duration.ofSeconds(3);
        private int idontwantMessageThreshold = 1024;
        private int idontwantTtlHeartbeats = 3;
        private int maxIDontWantMessages = 1000;
        private boolean floodPublish = true;
        private SignaturePolicy signaturePolicy = SignaturePolicy.STRICT_SIGN;
        private MessageIdFunction messageIdFunction = null;
        private RpcLimits limits = RpcLimits.defaults();
        private int maxPendingValidations = 1024;
        private int sendQueueCapacity = 256;
        private int subscriptionBuffer = 1024;
        private PeerScoreParams scoreParams = null;
        private PeerScoreThresholds thresholds = PeerScoreThresholds.defaults();
        private SubscriptionFilter subscriptionFilter = SubscriptionFilter.ALL;
        private boolean emitMessages = true;
        private long seed = new java.security.SecureRandom().nextLong();

        private Builder() {}

        /** Gossipsub (meshsub v1.2, v1.1, v1.0, and floodsub peers) or floodsub alone. */
        public Builder mode(RouterMode value) {
            this.mode = value;
            return this;
        }

        /** The mesh degree D a topic's mesh is brought back to. */
        public Builder d(int value) {
            this.d = value;
            return this;
        }

        /** D_lo: fewer mesh peers than this and the heartbeat grafts. */
        public Builder dLo(int value) {
            this.dLo = value;
            return this;
        }

        /** D_hi: more mesh peers than this and the heartbeat prunes. */
        public Builder dHi(int value) {
            this.dHi = value;
            return this;
        }

        /** D_score: mesh peers kept for their score when pruning. */
        public Builder dScore(int value) {
            this.dScore = value;
            return this;
        }

        /** D_out: outbound peers the mesh keeps. */
        public Builder dOut(int value) {
            this.dOut = value;
            return this;
        }

        /** D_lazy: the least number of peers gossip goes to. */
        public Builder dLazy(int value) {
            this.dLazy = value;
            return this;
        }

        /** The share of other peers gossip goes to, when more than D_lazy. */
        public Builder gossipFactor(double value) {
            this.gossipFactor = value;
            return this;
        }

        /** Heartbeats a message stays in the message cache. */
        public Builder historyLength(int value) {
            this.historyLength = value;
            return this;
        }

        /** Heartbeats of the message cache advertised in gossip. */
        public Builder historyGossip(int value) {
            this.historyGossip = value;
            return this;
        }

        /** Times one peer may ask for the same message by IWANT. */
        public Builder gossipRetransmission(int value) {
            this.gossipRetransmission = value;
            return this;
        }

        /** The delay before the first heartbeat. */
        public Builder heartbeatInitialDelay(Duration value) {
            this.heartbeatInitialDelay = value;
            return this;
        }

        /** The time between heartbeats. */
        public Builder heartbeatInterval(Duration value) {
            this.heartbeatInterval = value;
            return this;
        }

        /** How long a fanout set outlives the last publish to its topic. */
        public Builder fanoutTtl(Duration value) {
            this.fanoutTtl = value;
            return this;
        }

        /** How long a message id is remembered as seen. */
        public Builder seenTtl(Duration value) {
            this.seenTtl = value;
            return this;
        }

        /** Message ids remembered at most (the oldest go first). */
        public Builder seenCapacity(int value) {
            this.seenCapacity = value;
            return this;
        }

        /** The backoff a PRUNE asks for. */
        public Builder pruneBackoff(Duration value) {
            this.pruneBackoff = value;
            return this;
        }

        /** The backoff a PRUNE sent on leaving a topic asks for. */
        public Builder unsubscribeBackoff(Duration value) {
            this.unsubscribeBackoff = value;
            return this;
        }

        /** Peers offered in a PRUNE's peer exchange. */
        public Builder prunePeers(int value) {
            this.prunePeers = value;
            return this;
        }

        /** Whether PRUNEs offer other peers (peer exchange). */
        public Builder doPX(boolean value) {
            this.doPX = value;
            return this;
        }

        /** A GRAFT sooner than this after a PRUNE costs an extra behaviour penalty. */
        public Builder graftFloodThreshold(Duration value) {
            this.graftFloodThreshold = value;
            return this;
        }

        /** Heartbeats between opportunistic grafts. */
        public Builder opportunisticGraftTicks(int value) {
            this.opportunisticGraftTicks = value;
            return this;
        }

        /** Peers an opportunistic graft adds. */
        public Builder opportunisticGraftPeers(int value) {
            this.opportunisticGraftPeers = value;
            return this;
        }

        /** Message ids asked for from one peer per heartbeat, and advertised to one peer at once. */
        public Builder maxIHaveLength(int value) {
            this.maxIHaveLength = value;
            return this;
        }

        /** IHAVEs taken from one peer per heartbeat. */
        public Builder maxIHaveMessages(int value) {
            this.maxIHaveMessages = value;
            return this;
        }

        /** How long a peer that advertised a message has to deliver it once asked. */
        public Builder iwantFollowupTime(Duration value) {
            this.iwantFollowupTime = value;
            return this;
        }

        /** Messages at least this large (data bytes) are announced by IDONTWANT to the mesh. */
        public Builder idontwantMessageThreshold(int value) {
            this.idontwantMessageThreshold = value;
            return this;
        }

        /** Heartbeats an IDONTWANT received is kept. */
        public Builder idontwantTtlHeartbeats(int value) {
            this.idontwantTtlHeartbeats = value;
            return this;
        }

        /** Message ids kept per peer from its IDONTWANTs. */
        public Builder maxIDontWantMessages(int value) {
            this.maxIDontWantMessages = value;
            return this;
        }

        /** Whether this node's own messages go to every topic peer above the publish threshold, not only the mesh. */
        public Builder floodPublish(boolean value) {
            this.floodPublish = value;
            return this;
        }

        /** How messages are signed and checked. */
        public Builder signaturePolicy(SignaturePolicy value) {
            this.signaturePolicy = value;
            return this;
        }

        /** The message-id function; null for the policy's default (author and seqno, or the content hash when anonymous). */
        public Builder messageIdFunction(MessageIdFunction value) {
            this.messageIdFunction = value;
            return this;
        }

        /** What one peer may send. */
        public Builder limits(RpcLimits value) {
            this.limits = value;
            return this;
        }

        /** Messages awaiting an asynchronous verdict at once. */
        public Builder maxPendingValidations(int value) {
            this.maxPendingValidations = value;
            return this;
        }

        /** RPCs queued for one peer; more are dropped and counted. */
        public Builder sendQueueCapacity(int value) {
            this.sendQueueCapacity = value;
            return this;
        }

        /** Messages a subscription holds unread; more are dropped and counted. */
        public Builder subscriptionBuffer(int value) {
            this.subscriptionBuffer = value;
            return this;
        }

        /** Peer scoring; null turns it off (every score is 0). */
        public Builder scoreParams(PeerScoreParams value) {
            this.scoreParams = value;
            return this;
        }

        /** The score thresholds. */
        public Builder thresholds(PeerScoreThresholds value) {
            this.thresholds = value;
            return this;
        }

        /** The topics tracked. */
        public Builder subscriptionFilter(SubscriptionFilter value) {
            this.subscriptionFilter = value;
            return this;
        }

        /** Whether each delivered message is also emitted as a GossipsubEvent.Received. */
        public Builder emitMessages(boolean value) {
            this.emitMessages = value;
            return this;
        }

        /** The seed of the router's random choices (fixed in tests for repeatable runs). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public GossipsubConfig build() {
            return new GossipsubConfig(mode, d, dLo, dHi, dScore, dOut, dLazy, gossipFactor, historyLength, historyGossip, gossipRetransmission, heartbeatInitialDelay, heartbeatInterval, fanoutTtl, seenTtl, seenCapacity, pruneBackoff, unsubscribeBackoff, prunePeers, doPX, graftFloodThreshold, opportunisticGraftTicks, opportunisticGraftPeers, maxIHaveLength, maxIHaveMessages, iwantFollowupTime, idontwantMessageThreshold, idontwantTtlHeartbeats, maxIDontWantMessages, floodPublish, signaturePolicy, messageIdFunction, limits, maxPendingValidations, sendQueueCapacity, subscriptionBuffer, scoreParams, thresholds, subscriptionFilter, emitMessages, seed);
        }
    }
}
