package org.jlibp2p.ipfs;

import java.io.IOException;

/** Bytes that are not a valid block of the format they claim (dag-pb, UnixFS, a Bitswap message): refused. */
public class IpfsFormatException extends IOException {
    public IpfsFormatException(String message) {
        super(message);
    }

    public IpfsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
