package org.jlibp2p.node;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.gossipsub.GossipsubBehaviour;
import org.jlibp2p.gossipsub.GossipsubEvent;
import org.jlibp2p.gossipsub.Message;
import org.jlibp2p.gossipsub.Subscription;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.PubsubMessage;

/**
 * PUBSUB requests, served by the node's {@link GossipsubBehaviour} ({@code p2pd -pubsub}): GET_TOPICS, LIST_PEERS
 * and PUBLISH answer at once; SUBSCRIBE answers OK, then streams the topic's messages on the control connection
 * until the client closes it (the subscription ends with it). Without pubsub every request is answered with an
 * error.
 */
final class PubsubControl {
    private static final System.Logger LOG = System.getLogger(PubsubControl.class.getName());
    private final Swarm swarm;
    private final OpenConnections open;

    PubsubControl(Swarm swarm, OpenConnections open) {
        this.swarm = swarm;
        this.open = open;
    }

    private Optional<GossipsubBehaviour> pubsub() {
        return swarm.behaviour(GossipsubBehaviour.class);
    }

    private static ControlResponse.Error notEnabled() {
        return new ControlResponse.Error("pubsub is not enabled: start the daemon with -pubsub");
    }

    ControlResponse handle(Unsupported req) {
        return pubsub().isPresent() ? new ControlResponse.Error("malformed PUBSUB request") : notEnabled();
    }

    /** GET_TOPICS, LIST_PEERS and PUBLISH. */
    ControlResponse handle(ControlRequest.PubsubRequest req) throws InterruptedException {
        Optional<GossipsubBehaviour> ps = pubsub();
        if (ps.isEmpty()) {
            return notEnabled();
        }
        GossipsubBehaviour p = ps.get();
        return switch (req) {
            case ControlRequest.PubsubGetTopics _ -> new ControlResponse.PubsubTopics(
                    p.topics().stream().sorted().toList());
            case ControlRequest.PubsubListPeers lp -> new ControlResponse.PubsubPeers(sorted(
                    lp.topic().isEmpty() ? p.peers() : p.peers(lp.topic())));
            case ControlRequest.PubsubPublish pub -> {
                p.publish(pub.topic(), pub.data());
                yield new ControlResponse.Ok();
            }
            case ControlRequest.PubsubSubscribe sub -> throw new IllegalArgumentException(
                    "SUBSCRIBE takes the connection over: " + sub);
        };
    }

    private static List<PeerId> sorted(java.util.Set<PeerId> peers) {
        List<PeerId> out = new ArrayList<>(peers);
        out.sort(null);
        return out;
    }

    /**
     * SUBSCRIBE: answers, then writes each message of the topic to {@code client} until the client closes its end
     * (or the daemon stops). Returns true when the connection was taken over (and is released here), false when
     * the request was refused with an error and the connection carries on.
     */
    boolean subscribe(ControlRequest.PubsubSubscribe req, ChannelDuplex client) throws IOException {
        Optional<GossipsubBehaviour> ps = pubsub();
        if (ps.isEmpty()) {
            ControlServer.respond(client, notEnabled());
            return false;
        }
        Subscription sub;
        try {
            sub = ps.get().subscribe(req.topic());
        } catch (IllegalArgumentException | IllegalStateException e) {
            ControlServer.respond(client, ControlServer.failure(e));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while subscribing");
        }
        Thread watcher = null;
        try {
            ControlServer.respond(client, new ControlResponse.Ok());
            // the client sends nothing more: its end of the connection closing ends the subscription
            watcher = Thread.ofVirtual().name("pubsub-sub-watch").start(() -> {
                try {
                    InputStream in = client.input();
                    byte[] sink = new byte[256];
                    while (in.read(sink) >= 0) {
                        // ignored
                    }
                } catch (IOException e) {
                    // gone
                } finally {
                    sub.close();
                }
            });
            while (!sub.isClosed() || sub.buffered() > 0) {
                Optional<GossipsubEvent.Received> r = sub.next(Duration.ofSeconds(1));
                if (r.isPresent()) {
                    LengthPrefixed.write(client.output(), ControlCodec.encodePubsubMessage(toControl(r.get().message())));
                }
                if (sub.isClosed() && sub.buffered() == 0) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "pubsub subscriber of " + req.topic() + " gone: " + e);
        } finally {
            sub.close();
            if (watcher != null) {
                watcher.interrupt();
            }
            open.release(client);
        }
        return true;
    }

    static PubsubMessage toControl(Message m) {
        return new PubsubMessage(m.from(), m.data(), m.seqno(), List.of(m.topic()), m.signature(), m.key());
    }
}
