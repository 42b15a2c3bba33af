package org.jlibp2p.gossipsub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.peer.PeerId;

/**
 * Gossipsub's message cache: the messages of the last {@code historyLength} heartbeats, by id, served to IWANTs;
 * the ids of the last {@code historyGossip} heartbeats are what IHAVEs advertise. Counts how often each peer asked
 * for each message, so a peer cannot make us resend one without bound.
 */
final class MessageCache {
    private record Entry(Message message, Map<PeerId, Integer> asked) {}

    private record Window(List<MessageId> ids, List<String> topics) {}

    private final int historyGossip;
    private final int historyLength;
    private final Map<MessageId, Entry> messages = new HashMap<>();
    private final ArrayDeque<Window> windows = new ArrayDeque<>();

    MessageCache(int historyGossip, int historyLength) {
        this.historyGossip = historyGossip;
        this.historyLength = historyLength;
        windows.addFirst(new Window(new ArrayList<>(), new ArrayList<>()));
    }

    void put(MessageId id, Message m) {
        if (messages.putIfAbsent(id, new Entry(m, new HashMap<>())) == null) {
            Window w = windows.peekFirst();
            w.ids.add(id);
            w.topics.add(m.topic());
        }
    }

    Message get(MessageId id) {
        Entry e = messages.get(id);
        return e == null ? null : e.message;
    }

    /** The message for {@code peer}'s IWANT and how many times that peer has now asked for it; null if gone. */
    Message getForPeer(MessageId id, PeerId peer, int[] count) {
        Entry e = messages.get(id);
        if (e == null) {
            return null;
        }
        count[0] = e.asked.merge(peer, 1, Integer::sum);
        return e.message;
    }

    /** The ids of {@code topic} in the gossip windows, newest first. */
    List<MessageId> gossipIds(String topic) {
        List<MessageId> out = new ArrayList<>();
        int n = 0;
        for (Iterator<Window> it = windows.iterator(); it.hasNext() && n < historyGossip; n++) {
            Window w = it.next();
            for (int i = 0; i < w.ids.size(); i++) {
                if (w.topics.get(i).equals(topic)) {
                    out.add(w.ids.get(i));
                }
            }
        }
        return out;
    }

    /** Moves to the next heartbeat's window, forgetting the oldest. */
    void shift() {
        if (windows.size() >= historyLength) {
            Window last = windows.removeLast();
            for (MessageId id : last.ids) {
                messages.remove(id);
            }
        }
        windows.addFirst(new Window(new ArrayList<>(), new ArrayList<>()));
    }

    int size() {
        return messages.size();
    }
}
