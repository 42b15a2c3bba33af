package org.jlibp2p.autonat.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import org.jlibp2p.autonat.Reachability;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;

/**
 * The client's state machine, without I/O: servers' answers in, the node's reachability out. Only the latest answer
 * of each server counts, so one server cannot outvote the others. The reachability becomes {@code PUBLIC} or
 * {@code PRIVATE} once the last {@code confirmations} conclusive answers, from as many distinct servers, all say so;
 * {@code confirmations} inconclusive answers in a row (refusals, errors, silence) make it {@code UNKNOWN}.
 */
public final class ReachabilityTracker {
    private record Answer(PeerId server, Reachability reachability, Optional<Multiaddr> address) {}

    private final int confirmations;
    private final ArrayDeque<Answer> recent = new ArrayDeque<>();
    private int inconclusiveInARow;
    private Reachability reachability = Reachability.UNKNOWN;
    private Optional<Multiaddr> address = Optional.empty();

    public ReachabilityTracker(int confirmations) {
        this.confirmations = confirmations;
    }

    public Reachability reachability() {
        return reachability;
    }

    /** The address a server reached, while {@code PUBLIC}. */
    public Optional<Multiaddr> address() {
        return address;
    }

    /** Records {@code server}'s answer; returns true when the reachability changed. */
    public boolean answer(PeerId server, Reachability answer, Optional<Multiaddr> reached) {
        if (answer == Reachability.UNKNOWN) {
            inconclusiveInARow++;
            if (inconclusiveInARow >= confirmations && reachability != Reachability.UNKNOWN) {
                recent.clear();
                return set(Reachability.UNKNOWN, Optional.empty());
            }
            return false;
        }
        inconclusiveInARow = 0;
        for (Iterator<Answer> it = recent.iterator(); it.hasNext(); ) {
            if (it.next().server().equals(server)) {
                it.remove();
            }
        }
        recent.addLast(new Answer(server, answer, reached));
        while (recent.size() > confirmations) {
            recent.removeFirst();
        }
        if (recent.size() < confirmations) {
            return false;
        }
        for (Answer a : recent) {
            if (a.reachability() != answer) {
                return false;
            }
        }
        Optional<Multiaddr> addr = answer == Reachability.PUBLIC ? reached : Optional.empty();
        if (answer == reachability && addr.equals(address)) {
            return false;
        }
        if (answer == reachability && addr.isPresent() && address.isPresent()) {
            address = addr; // still public, reached at another address: not a change of reachability
            return false;
        }
        return set(answer, addr);
    }

    private boolean set(Reachability r, Optional<Multiaddr> a) {
        boolean changed = r != reachability;
        reachability = r;
        address = a;
        return changed;
    }
}
