package org.jlibp2p.ipfs.unixfs;

import org.jlibp2p.ipfs.IpfsFormatException;

/**
 * A directory entry whose name cannot be a file name in a tree: empty, {@code .} or {@code ..}, or holding {@code /} or
 * NUL, or one that would land outside the directory a tree is written to. Refused, as a DAG crafted to write
 * elsewhere on the disk.
 */
public final class UnsafeNameException extends IpfsFormatException {
    public UnsafeNameException(String message) {
        super(message);
    }
}
