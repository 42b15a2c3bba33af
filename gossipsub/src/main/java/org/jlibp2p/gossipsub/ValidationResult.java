package org.jlibp2p.gossipsub;

/** A validator's verdict on a message (libp2p/specs gossipsub v1.1, "Extended validators"). */
public enum ValidationResult {
    /** Deliver and forward it. */
    ACCEPT,
    /** Drop it and penalise the peers that sent it (score P4). */
    REJECT,
    /** Drop it without a penalty (e.g. not yet known to be valid, or too old to matter). */
    IGNORE;

    /** The stricter of two verdicts: REJECT over IGNORE over ACCEPT. */
    ValidationResult and(ValidationResult other) {
        return rank() >= other.rank() ? this : other;
    }

    private int rank() {
        return switch (this) {
            case ACCEPT -> 0;
            case IGNORE -> 1;
            case REJECT -> 2;
        };
    }
}
