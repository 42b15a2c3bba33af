package org.jlibp2p.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;

/**
 * Dials {@code <relay address>/p2p/<relay>/p2p-circuit/p2p/<peer>} through the relay, with the {@link RelayClient}
 * of the same node: the swarm then upgrades the circuit as any connection and marks it limited. Listening through
 * relays is {@link RelayClient#reserve}, not {@link #listen}.
 */
public final class RelayTransport implements Transport {
    private final RelayClient client;

    public RelayTransport(RelayClient client) {
        this.client = client;
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return address.component(Protocol.P2P_CIRCUIT).isPresent();
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return false;
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        List<Component> c = address.components();
        int circuit = -1;
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i).protocol() == Protocol.P2P_CIRCUIT) {
                circuit = i;
                break;
            }
        }
        if (circuit < 1 || c.get(circuit - 1).protocol() != Protocol.P2P || c.size() != circuit + 2
                || c.get(circuit + 1).protocol() != Protocol.P2P) {
            throw new IOException("not a relayed address of the form <relay>/p2p/<relay>/p2p-circuit/p2p/<peer>: "
                    + address);
        }
        Multiaddr relayAddr = Multiaddr.of(c.subList(0, circuit));
        PeerId relay = PeerId.fromBytes(c.get(circuit - 1).value());
        PeerId target = PeerId.fromBytes(c.get(circuit + 1).value());
        return client.openCircuit(relay, relayAddr, target, timeout);
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        throw new IOException("a node listens through a relay by reserving a slot on it (RelayClient.reserve)");
    }
}
