package org.jlibp2p.gossipsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jlibp2p.core.peer.PeerId;

/**
 * One pubsub RPC, the unit on the wire (libp2p/specs {@code pubsub/README.md}): subscription changes, messages, and
 * gossipsub's control messages.
 */
public record Rpc(List<SubOpts> subscriptions, List<Message> messages, Control control) {
    public static final Rpc EMPTY = new Rpc(List.of(), List.of(), Control.EMPTY);

    public Rpc {
        subscriptions = List.copyOf(subscriptions);
        messages = List.copyOf(messages);
    }

    /** Subscribing to a topic (true) or leaving it (false). */
    public record SubOpts(boolean subscribe, String topic) {}

    /** Gossipsub control messages. */
    public record Control(List<IHave> ihave, List<IWant> iwant, List<Graft> graft, List<Prune> prune,
            List<IDontWant> idontwant) {
        public static final Control EMPTY = new Control(List.of(), List.of(), List.of(), List.of(), List.of());

        public Control {
            ihave = List.copyOf(ihave);
            iwant = List.copyOf(iwant);
            graft = List.copyOf(graft);
            prune = List.copyOf(prune);
            idontwant = List.copyOf(idontwant);
        }

        public boolean isEmpty() {
            return ihave.isEmpty() && iwant.isEmpty() && graft.isEmpty() && prune.isEmpty() && idontwant.isEmpty();
        }
    }

    /** The sender has these messages of {@code topic} in its cache. */
    public record IHave(String topic, List<MessageId> ids) {
        public IHave {
            ids = List.copyOf(ids);
        }
    }

    /** The sender asks for these messages. */
    public record IWant(List<MessageId> ids) {
        public IWant {
            ids = List.copyOf(ids);
        }
    }

    /** The sender added the receiver to its mesh of {@code topic}. */
    public record Graft(String topic) {}

    /**
     * The sender removed the receiver from its mesh of {@code topic}; v1.1 adds peers to try instead and a backoff in
     * seconds before grafting again.
     */
    public record Prune(String topic, List<PeerExchange> peers, OptionalLong backoffSeconds) {
        public Prune {
            peers = List.copyOf(peers);
        }
    }

    /** A peer offered in a PRUNE, with its signed peer record (a marshalled envelope) when the sender had one. */
    public record PeerExchange(PeerId peer, Optional<byte[]> signedPeerRecord) {}

    /** The sender does not want these messages (it has them already): gossipsub v1.2. */
    public record IDontWant(List<MessageId> ids) {
        public IDontWant {
            ids = List.copyOf(ids);
        }
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty() && messages.isEmpty() && control.isEmpty();
    }

    public static Rpc ofMessages(List<Message> messages) {
        return new Rpc(List.of(), messages, Control.EMPTY);
    }

    public static Rpc ofSubscriptions(List<SubOpts> subs) {
        return new Rpc(subs, List.of(), Control.EMPTY);
    }

    public static Rpc ofControl(Control control) {
        return new Rpc(List.of(), List.of(), control);
    }

    /** Collects the parts of one RPC. */
    static final class Builder {
        final List<SubOpts> subscriptions = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        final List<IHave> ihave = new ArrayList<>();
        final List<IWant> iwant = new ArrayList<>();
        final List<Graft> graft = new ArrayList<>();
        final List<Prune> prune = new ArrayList<>();
        final List<IDontWant> idontwant = new ArrayList<>();

        boolean isEmpty() {
            return subscriptions.isEmpty() && messages.isEmpty() && ihave.isEmpty() && iwant.isEmpty()
                    && graft.isEmpty() && prune.isEmpty() && idontwant.isEmpty();
        }

        Rpc build() {
            return new Rpc(subscriptions, messages, new Control(ihave, iwant, graft, prune, idontwant));
        }
    }
}
