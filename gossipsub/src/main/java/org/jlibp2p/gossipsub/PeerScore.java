package org.jlibp2p.gossipsub;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.peer.PeerId;

/**
 * Gossipsub v1.1 peer scoring: the counters behind P1 to P7 for each peer, fed by the router as messages and mesh
 * changes happen, decayed every decay interval, and the score computed from them on request. Confined to the
 * router's thread.
 */
final class PeerScore {
    private static final class TopicStats {
        boolean inMesh;
        Instant graftTime;
        double firstMessageDeliveries;
        double meshMessageDeliveries;
        boolean meshMessageDeliveriesActive;
        double meshFailurePenalty;
        double invalidMessageDeliveries;
    }

    private static final class PeerStats {
        boolean connected = true;
        Instant expire;
        final Map<String, TopicStats> topics = new HashMap<>();
        double behaviourPenalty;
        Set<String> ips = Set.of();
    }

    private enum Status { PENDING, VALID, INVALID, IGNORED }

    private static final class DeliveryRecord {
        Status status = Status.PENDING;
        final Instant firstSeen;
        Instant validated;
        final Set<PeerId> peers = new HashSet<>();
        final Instant expire;

        DeliveryRecord(Instant now, Duration ttl) {
            this.firstSeen = now;
            this.expire = now.plus(ttl);
        }
    }

    /** Delivery records kept at most (the oldest go first): as many as the default seen cache holds. */
    static final int MAX_DELIVERY_RECORDS = 250_000;

    private final PeerScoreParams params;
    private final Map<PeerId, PeerStats> peers = new HashMap<>();
    private final Map<String, Set<PeerId>> peersByIp = new HashMap<>();
    private final LinkedHashMap<MessageId, DeliveryRecord> deliveries = new LinkedHashMap<>();
    private final Duration deliveryTtl;
    private Instant nextDecay;

    PeerScore(PeerScoreParams params, Duration deliveryTtl, Instant now) {
        this.params = params;
        this.deliveryTtl = deliveryTtl;
        this.nextDecay = now.plus(params.decayInterval());
    }

    PeerScoreParams params() {
        return params;
    }

    void addPeer(PeerId peer, Set<String> ips) {
        PeerStats s = peers.computeIfAbsent(peer, p -> new PeerStats());
        s.connected = true;
        s.expire = null;
        setIps(peer, s, ips);
    }

    private void setIps(PeerId peer, PeerStats s, Set<String> ips) {
        for (String ip : s.ips) {
            Set<PeerId> on = peersByIp.get(ip);
            if (on != null) {
                on.remove(peer);
                if (on.isEmpty()) {
                    peersByIp.remove(ip);
                }
            }
        }
        s.ips = Set.copyOf(ips);
        for (String ip : s.ips) {
            peersByIp.computeIfAbsent(ip, k -> new HashSet<>()).add(peer);
        }
    }

    /**
     * The peer disconnected: a positive score is forgotten at once, a negative one is kept for
     * {@code retainScore} (so that reconnecting does not clear a penalty), with first deliveries cleared and
     * mesh delivery deficits turned into failure penalties.
     */
    void removePeer(PeerId peer, Instant now) {
        PeerStats s = peers.get(peer);
        if (s == null) {
            return;
        }
        if (score(peer, now) > 0) {
            setIps(peer, s, Set.of());
            peers.remove(peer);
            return;
        }
        for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
            TopicStats t = e.getValue();
            t.firstMessageDeliveries = 0;
            TopicScoreParams tp = params.topics().get(e.getKey());
            if (tp != null && t.inMesh) {
                applyMeshFailure(t, tp);
            }
            t.inMesh = false;
        }
        s.connected = false;
        s.expire = now.plus(params.retainScore());
    }

    private static void applyMeshFailure(TopicStats t, TopicScoreParams tp) {
        if (t.meshMessageDeliveriesActive && t.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
            double deficit = tp.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
            t.meshFailurePenalty += deficit * deficit;
        }
    }

    private TopicStats topic(PeerId peer, String topic) {
        PeerStats s = peers.get(peer);
        if (s == null || !params.topics().containsKey(topic)) {
            return null;
        }
        return s.topics.computeIfAbsent(topic, k -> new TopicStats());
    }

    void graft(PeerId peer, String topic, Instant now) {
        TopicStats t = topic(peer, topic);
        if (t != null) {
            t.inMesh = true;
            t.graftTime = now;
            t.meshMessageDeliveriesActive = false;
        }
    }

    void prune(PeerId peer, String topic) {
        TopicStats t = topic(peer, topic);
        if (t != null) {
            applyMeshFailure(t, params.topics().get(topic));
            t.inMesh = false;
        }
    }

    void addPenalty(PeerId peer, int count) {
        PeerStats s = peers.get(peer);
        if (s != null) {
            s.behaviourPenalty += count;
        }
    }

    private DeliveryRecord record(MessageId id, Instant now) {
        DeliveryRecord r = deliveries.get(id);
        if (r == null) {
            r = new DeliveryRecord(now, deliveryTtl);
            deliveries.put(id, r);
            if (deliveries.size() > MAX_DELIVERY_RECORDS) {
                Iterator<MessageId> oldest = deliveries.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        return r;
    }

    /** A new message arrived from {@code from} and awaits validation. */
    void validateMessage(PeerId from, MessageId id, Instant now) {
        record(id, now);
    }

    /** The message was validated and delivered: {@code from} delivered it first. */
    void deliverMessage(PeerId from, MessageId id, String topic, Instant now) {
        markFirstMessageDelivery(from, topic);
        DeliveryRecord r = record(id, now);
        if (r.status != Status.PENDING) {
            return;
        }
        r.status = Status.VALID;
        r.validated = now;
        for (PeerId p : r.peers) {
            if (!p.equals(from)) {
                markDuplicateMessageDelivery(p, topic, null, now);
            }
        }
    }

    /** The message was rejected (or ignored, when {@code penalise} is false). */
    void rejectMessage(PeerId from, MessageId id, String topic, boolean penalise, Instant now) {
        DeliveryRecord r = record(id, now);
        if (r.status != Status.PENDING) {
            return;
        }
        if (!penalise) {
            r.status = Status.IGNORED;
            r.peers.clear();
            return;
        }
        r.status = Status.INVALID;
        markInvalidMessageDelivery(from, topic);
        for (PeerId p : r.peers) {
            markInvalidMessageDelivery(p, topic);
        }
        r.peers.clear();
    }

    /** The message came again, from {@code from}. */
    void duplicateMessage(PeerId from, MessageId id, String topic, Instant now) {
        DeliveryRecord r = deliveries.get(id);
        if (r == null) {
            return;
        }
        if (r.peers.contains(from)) {
            return;
        }
        switch (r.status) {
            case PENDING -> r.peers.add(from);
            case VALID -> {
                r.peers.add(from);
                markDuplicateMessageDelivery(from, topic, r.validated, now);
            }
            case INVALID -> markInvalidMessageDelivery(from, topic);
            case IGNORED -> { }
        }
    }

    private void markFirstMessageDelivery(PeerId peer, String topic) {
        TopicStats t = topic(peer, topic);
        if (t == null) {
            return;
        }
        TopicScoreParams tp = params.topics().get(topic);
        t.firstMessageDeliveries = Math.min(t.firstMessageDeliveries + 1, tp.firstMessageDeliveriesCap());
        if (t.inMesh) {
            t.meshMessageDeliveries = Math.min(t.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap());
        }
    }

    private void markDuplicateMessageDelivery(PeerId peer, String topic, Instant validated, Instant now) {
        TopicStats t = topic(peer, topic);
        if (t == null || !t.inMesh) {
            return;
        }
        TopicScoreParams tp = params.topics().get(topic);
        if (validated != null && now.isAfter(validated.plus(tp.meshMessageDeliveriesWindow()))) {
            return;
        }
        t.meshMessageDeliveries = Math.min(t.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap());
    }

    private void markInvalidMessageDelivery(PeerId peer, String topic) {
        TopicStats t = topic(peer, topic);
        if (t != null) {
            t.invalidMessageDeliveries += 1;
        }
    }

    double score(PeerId peer, Instant now) {
        PeerStats s = peers.get(peer);
        if (s == null) {
            return 0;
        }
        return explain(peer, s, now).total();
    }

    ScoreExplanation explain(PeerId peer, Instant now) {
        PeerStats s = peers.get(peer);
        if (s == null) {
            return new ScoreExplanation(peer, 0, Map.of(), 0, 0, 0, 0);
        }
        return explain(peer, s, now);
    }

    private ScoreExplanation explain(PeerId peer, PeerStats s, Instant now) {
        Map<String, ScoreExplanation.TopicParts> parts = new HashMap<>();
        double topicsTotal = 0;
        for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
            TopicScoreParams tp = params.topics().get(e.getKey());
            if (tp == null) {
                continue;
            }
            TopicStats t = e.getValue();
            double p1 = 0;
            if (t.inMesh) {
                double quanta = (double) Duration.between(t.graftTime, now).toNanos()
                        / tp.timeInMeshQuantum().toNanos();
                p1 = Math.min(Math.max(quanta, 0), tp.timeInMeshCap()) * tp.timeInMeshWeight();
            }
            double p2 = t.firstMessageDeliveries * tp.firstMessageDeliveriesWeight();
            double p3 = 0;
            if (t.inMesh && meshActive(t, tp, now) && t.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
                double deficit = tp.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
                p3 = deficit * deficit * tp.meshMessageDeliveriesWeight();
            }
            double p3b = t.meshFailurePenalty * tp.meshFailurePenaltyWeight();
            double p4 = t.invalidMessageDeliveries * t.invalidMessageDeliveries * tp.invalidMessageDeliveriesWeight();
            double total = (p1 + p2 + p3 + p3b + p4) * tp.topicWeight();
            parts.put(e.getKey(), new ScoreExplanation.TopicParts(p1, p2, p3, p3b, p4, total));
            topicsTotal += total;
        }
        if (params.topicScoreCap() > 0 && topicsTotal > params.topicScoreCap()) {
            topicsTotal = params.topicScoreCap();
        }
        double p5 = params.appSpecificScore().applyAsDouble(peer) * params.appSpecificWeight();
        double p6 = 0;
        for (String ip : s.ips) {
            if (params.ipColocationFactorWhitelist().contains(ip)) {
                continue;
            }
            int n = peersByIp.getOrDefault(ip, Set.of()).size();
            if (n > params.ipColocationFactorThreshold()) {
                double surplus = n - params.ipColocationFactorThreshold();
                p6 += surplus * surplus;
            }
        }
        p6 *= params.ipColocationFactorWeight();
        double p7 = 0;
        if (s.behaviourPenalty > params.behaviourPenaltyThreshold()) {
            double excess = s.behaviourPenalty - params.behaviourPenaltyThreshold();
            p7 = excess * excess * params.behaviourPenaltyWeight();
        }
        return new ScoreExplanation(peer, topicsTotal + p5 + p6 + p7, parts, topicsTotal, p5, p6, p7);
    }

    private static boolean meshActive(TopicStats t, TopicScoreParams tp, Instant now) {
        if (!t.meshMessageDeliveriesActive && t.graftTime != null
                && !now.isBefore(t.graftTime.plus(tp.meshMessageDeliveriesActivation()))) {
            t.meshMessageDeliveriesActive = true;
        }
        return t.meshMessageDeliveriesActive;
    }

    /** Decays the counters if a decay interval has passed, forgets expired peers and delivery records. */
    void refresh(Instant now) {
        Iterator<Map.Entry<MessageId, DeliveryRecord>> it = deliveries.entrySet().iterator();
        while (it.hasNext()) {
            if (!it.next().getValue().expire.isAfter(now)) {
                it.remove();
            } else {
                break;
            }
        }
        int rounds = 0;
        while (!now.isBefore(nextDecay) && rounds < 1000) {
            decay(now);
            nextDecay = nextDecay.plus(params.decayInterval());
            rounds++;
        }
        if (!now.isBefore(nextDecay)) {
            nextDecay = now.plus(params.decayInterval());
        }
    }

    private void decay(Instant now) {
        double zero = params.decayToZero();
        List<PeerId> expired = new ArrayList<>();
        for (Map.Entry<PeerId, PeerStats> e : peers.entrySet()) {
            PeerStats s = e.getValue();
            if (!s.connected) {
                if (!now.isBefore(s.expire)) {
                    expired.add(e.getKey());
                }
                continue;
            }
            for (Map.Entry<String, TopicStats> te : s.topics.entrySet()) {
                TopicScoreParams tp = params.topics().get(te.getKey());
                if (tp == null) {
                    continue;
                }
                TopicStats t = te.getValue();
                t.firstMessageDeliveries = decayed(t.firstMessageDeliveries, tp.firstMessageDeliveriesDecay(), zero);
                t.meshMessageDeliveries = decayed(t.meshMessageDeliveries, tp.meshMessageDeliveriesDecay(), zero);
                t.meshFailurePenalty = decayed(t.meshFailurePenalty, tp.meshFailurePenaltyDecay(), zero);
                t.invalidMessageDeliveries = decayed(t.invalidMessageDeliveries,
                        tp.invalidMessageDeliveriesDecay(), zero);
                if (t.inMesh) {
                    meshActive(t, tp, now);
                }
            }
            s.behaviourPenalty = decayed(s.behaviourPenalty, params.behaviourPenaltyDecay(), zero);
        }
        for (PeerId p : expired) {
            setIps(p, peers.get(p), Set.of());
            peers.remove(p);
        }
    }

    private static double decayed(double v, double factor, double zero) {
        double d = v * factor;
        return d < zero ? 0 : d;
    }

    int trackedPeers() {
        return peers.size();
    }
}
