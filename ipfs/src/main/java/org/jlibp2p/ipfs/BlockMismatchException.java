package org.jlibp2p.ipfs;

/** A block whose bytes do not hash to the content id it was asked or sent for. */
public class BlockMismatchException extends IpfsFormatException {
    public BlockMismatchException(String message) {
        super(message);
    }
}
