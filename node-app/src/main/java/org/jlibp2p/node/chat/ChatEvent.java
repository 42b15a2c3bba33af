package org.jlibp2p.node.chat;

import org.jlibp2p.core.peer.PeerId;

/** What a {@link ChatNode} tells its user interface. */
public sealed interface ChatEvent {
    /** A message in a joined room, from another member. */
    record Message(String room, PeerId from, String nick, String text, long timestampMillis) implements ChatEvent {}

    /** A direct message to this node. */
    record Direct(PeerId from, String nick, String text, String id, long timestampMillis) implements ChatEvent {}

    /** A direct message this node sent was acknowledged. */
    record Delivered(String id, PeerId to) implements ChatEvent {}

    /** A direct message this node sent was not acknowledged. */
    record Failed(String id, PeerId to, String reason) implements ChatEvent {}

    /** A peer joined a room this node is in (or was found in it). */
    record PeerJoined(String room, PeerId peer, String nick) implements ChatEvent {}

    /** A peer left a room this node is in. */
    record PeerLeft(String room, PeerId peer, String nick) implements ChatEvent {}

    /** A peer told its (new) nickname. */
    record NickChanged(PeerId peer, String nick) implements ChatEvent {}

    /** Something the user should know that is none of the above (a dial that failed, ...). */
    record Notice(String text) implements ChatEvent {}
}
