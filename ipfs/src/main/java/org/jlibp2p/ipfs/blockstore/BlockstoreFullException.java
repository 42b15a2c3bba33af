package org.jlibp2p.ipfs.blockstore;

import java.io.IOException;

/** A block that would take a blockstore past its bound. */
public class BlockstoreFullException extends IOException {
    public BlockstoreFullException(String message) {
        super(message);
    }
}
