package org.jlibp2p.ipfs.unixfs;

import java.io.IOException;

/**
 * A file system entry a directory import does not take: a symbolic link (refused, not followed, so that an import
 * never reaches outside the tree it was given), a device, a socket or a pipe; or a UnixFS entry an export does not
 * write (a symlink node).
 */
public final class UnsupportedEntryException extends IOException {
    public UnsupportedEntryException(String message) {
        super(message);
    }
}
