package org.jlibp2p.ipfs.bitswap;

import org.jlibp2p.ipfs.IpfsFormatException;

/** A peer broke the Bitswap protocol or its limits: it loses its stream (and, for a bad block, its connection). */
public class BitswapProtocolException extends IpfsFormatException {
    public BitswapProtocolException(String message) {
        super(message);
    }

    public BitswapProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
