package org.jlibp2p.core.multistream;

import java.util.List;

/** The listener answered {@code na} to every protocol the dialer proposed. */
public final class NoCommonProtocolException extends NegotiationException {
    private final List<String> proposed;

    public NoCommonProtocolException(List<String> proposed) {
        super("the remote supports none of " + proposed);
        this.proposed = List.copyOf(proposed);
    }

    /** The protocols that were proposed, in order. */
    public List<String> proposed() {
        return proposed;
    }
}
