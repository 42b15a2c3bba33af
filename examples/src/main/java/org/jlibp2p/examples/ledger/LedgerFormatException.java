package org.jlibp2p.examples.ledger;

import java.io.IOException;

/** Bytes from a peer that are not a well-formed ledger message, or break one of {@link LedgerCodec}'s limits. */
public final class LedgerFormatException extends IOException {
    public LedgerFormatException(String message) {
        super(message);
    }
}
