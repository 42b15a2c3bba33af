package org.jlibp2p.gossipsub;

import java.util.Map;
import org.jlibp2p.core.peer.PeerId;

/**
 * The parts of one peer's score, as the router computed them: each topic's parts (already weighted by the part's
 * weight, before the topic weight), the application's P5, the IP colocation P6 and the behaviour penalty P7, all
 * weighted, and their total. {@code total} is what the router compares with the thresholds.
 */
public record ScoreExplanation(PeerId peer, double total, Map<String, TopicParts> topics, double topicsTotal,
        double appSpecific, double ipColocation, double behaviourPenalty) {
    public ScoreExplanation {
        topics = Map.copyOf(topics);
    }

    /**
     * One topic's parts: P1 time in mesh, P2 first deliveries, P3 mesh delivery deficit, P3b mesh failure penalty,
     * P4 invalid messages, each times its weight; {@code total} is their sum times the topic weight.
     */
    public record TopicParts(double p1TimeInMesh, double p2FirstDeliveries, double p3MeshDeliveryDeficit,
            double p3bMeshFailure, double p4InvalidMessages, double total) {}

    /** One line a person can read, e.g. for a log. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(peer).append(" score ").append(fmt(total)).append(" = topics ").append(fmt(topicsTotal));
        topics.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            TopicParts t = e.getValue();
            b.append(" [").append(e.getKey()).append(": P1 ").append(fmt(t.p1TimeInMesh())).append(", P2 ")
                    .append(fmt(t.p2FirstDeliveries())).append(", P3 ").append(fmt(t.p3MeshDeliveryDeficit()))
                    .append(", P3b ").append(fmt(t.p3bMeshFailure())).append(", P4 ")
                    .append(fmt(t.p4InvalidMessages())).append(" -> ").append(fmt(t.total())).append(']');
        });
        b.append(" + P5 ").append(fmt(appSpecific)).append(" + P6 ").append(fmt(ipColocation)).append(" + P7 ")
                .append(fmt(behaviourPenalty));
        return b.toString();
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.3f", d);
    }
}
