package org.jlibp2p.examples.ledger;

import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourEvent;

/** What the ledger behaviour reports, as {@code SwarmEvent.Emitted}. */
public sealed interface LedgerEvent extends BehaviourEvent {
    /** A connected peer told us its head in the status handshake. */
    record PeerStatus(PeerId peer, LedgerCodec.Status status) implements LedgerEvent {}

    /** Blocks fetched from {@code peer} were appended; the chain is now at {@code height}. */
    record Synced(PeerId peer, int blocks, long height) implements LedgerEvent {}

    /** A fetch from {@code peer} stopped early: the peer failed, or sent a block that does not fit. */
    record SyncFailed(PeerId peer, String reason) implements LedgerEvent {}
}
