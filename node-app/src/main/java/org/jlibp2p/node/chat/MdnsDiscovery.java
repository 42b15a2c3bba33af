package org.jlibp2p.node.chat;

import java.time.Duration;
import java.util.function.Consumer;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.mdns.MdnsBehaviour;
import org.jlibp2p.mdns.MdnsConfig;
import org.jlibp2p.mdns.MdnsEvent;

/**
 * Peers on the local network, found by mDNS ({@link MdnsBehaviour}, which it adds to the node without dialling
 * itself: the chat dials what this reports). Rooms are not announced on the LAN; connected peers learn each other's
 * rooms through Gossipsub.
 */
final class MdnsDiscovery implements PeerDiscovery {
    private final Swarm swarm;
    private volatile EventSubscription events;
    private volatile boolean closed;

    MdnsDiscovery(Swarm swarm) {
        this.swarm = swarm;
    }

    @Override
    public void start(Consumer<Found> found) {
        events = swarm.subscribe();
        swarm.addBehaviour(new MdnsBehaviour(MdnsConfig.defaults().withAutoDial(false)));
        Thread.ofVirtual().name("chat-mdns").start(() -> {
            try {
                while (!closed) {
                    if (events.poll(Duration.ofSeconds(1)).orElse(null)
                            instanceof SwarmEvent.Emitted(MdnsEvent.Discovered(var peer, var addrs))) {
                        found.accept(new Found(peer, addrs));
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        if (events != null) {
            events.close();
        }
    }
}
