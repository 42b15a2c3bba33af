package org.jlibp2p.gossipsub;

import org.jlibp2p.core.peer.PeerId;

/**
 * Checks messages of a topic as they arrive, before they are delivered or forwarded. Runs on the behaviour's thread:
 * it must be quick and must not block (use an {@link AsyncValidator} for slow checks).
 */
@FunctionalInterface
public interface Validator {
    /** {@code receivedFrom} is the peer that forwarded the message (not necessarily its author). */
    ValidationResult validate(PeerId receivedFrom, Message message);
}
