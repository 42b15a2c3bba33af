package org.jlibp2p.core.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Private key files in the format go-libp2p-daemon's {@code -id} flag reads: the raw bytes of the marshalled
 * {@code PrivateKey} protobuf, nothing else.
 */
public final class KeyFiles {
    /** Larger files are refused unread; an 8192-bit RSA key takes under 5 KiB. */
    public static final int MAX_FILE_BYTES = 64 * 1024;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {}

    /**
     * Reads the private key in {@code file}.
     *
     * @throws KeyFormatException if the file is too large or does not hold a valid marshalled private key
     * @throws IOException if the file cannot be read
     */
    public static PrivateKey load(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new KeyFormatException(file + " is larger than " + MAX_FILE_BYTES + " bytes: not a key file");
        }
        try {
            return Keys.unmarshalPrivateKey(bytes);
        } catch (KeyFormatException e) {
            throw new KeyFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code key} to {@code file}, replacing it, readable and writable by the owner only (where the file
     * system has POSIX permissions). The key is written to a temporary file next to {@code file} first, so the file
     * never holds part of a key nor is ever readable by others.
     */
    public static void save(Path file, PrivateKey key) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, ".key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, ".key-", ".tmp");
        try {
            Files.write(tmp, key.marshal());
            if (posix) {
                Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
