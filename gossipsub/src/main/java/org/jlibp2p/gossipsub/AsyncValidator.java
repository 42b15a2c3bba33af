package org.jlibp2p.gossipsub;

import java.util.concurrent.CompletionStage;
import org.jlibp2p.core.peer.PeerId;

/**
 * A validator whose verdict may come later (a database lookup, a signature batch): called on the behaviour's
 * thread, it must return at once; its stage may complete on any thread. Messages awaiting a verdict count against
 * {@link GossipsubConfig#maxPendingValidations()}: past it, new messages are ignored (and counted) rather than
 * queued. A stage that fails counts as {@link ValidationResult#IGNORE}.
 */
@FunctionalInterface
public interface AsyncValidator {
    CompletionStage<ValidationResult> validate(PeerId receivedFrom, Message message);
}
