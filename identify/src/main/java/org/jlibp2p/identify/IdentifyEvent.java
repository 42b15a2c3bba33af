package org.jlibp2p.identify;

import org.jlibp2p.core.peer.PeerId;

/** What identify learns or fails at. */
public sealed interface IdentifyEvent {
    PeerId peer();

    /** A peer answered an identify request, or pushed an update. */
    record Received(PeerId peer, IdentifyInfo info, boolean pushed) implements IdentifyEvent {}

    /** Identifying a peer failed; the reason says why. */
    record Failed(PeerId peer, String reason) implements IdentifyEvent {}
}
