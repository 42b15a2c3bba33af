package org.jlibp2p.identify;

import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.record.PeerRecord;

/**
 * What a peer says about itself in identify. Every field is optional on the wire (a push may carry only what
 * changed); absent lists are empty.
 */
public record IdentifyInfo(Optional<PublicKey> publicKey, List<Multiaddr> listenAddrs, List<String> protocols,
        Optional<Multiaddr> observedAddr, Optional<String> protocolVersion, Optional<String> agentVersion,
        Optional<PeerRecord> signedPeerRecord) {
    public IdentifyInfo {
        listenAddrs = List.copyOf(listenAddrs);
        protocols = List.copyOf(protocols);
    }
}
