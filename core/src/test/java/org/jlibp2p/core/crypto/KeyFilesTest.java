package org.jlibp2p.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void savesOwnerOnlyAndLoadsBack() throws Exception {
        for (KeyType type : KeyType.values()) {
            PrivateKey key = Keys.generate(type).privateKey();
            Path file = dir.resolve(type + ".key");
            KeyFiles.save(file, key);
            assertArrayEquals(key.marshal(), Files.readAllBytes(file), "raw marshalled protobuf, nothing else");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(key, KeyFiles.load(file));
        }
        try (var files = Files.list(dir)) {
            assertEquals(KeyType.values().length, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void replacesAnExistingFile() throws Exception {
        Path file = dir.resolve("id");
        Files.writeString(file, "old");
        PrivateKey key = Keys.unmarshalPrivateKey(SpecVectors.bytes(SpecVectors.ED25519_PRIVATE));
        KeyFiles.save(file, key);
        assertEquals(key, KeyFiles.load(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void refusesGarbageAndHugeFiles() throws Exception {
        Path garbage = dir.resolve("garbage");
        Files.write(garbage, new byte[] {8, 1, 18, 3, 1, 2, 3});
        assertThrows(KeyFormatException.class, () -> KeyFiles.load(garbage));
        Path huge = dir.resolve("huge");
        Files.write(huge, new byte[KeyFiles.MAX_FILE_BYTES + 1]);
        assertThrows(KeyFormatException.class, () -> KeyFiles.load(huge));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> KeyFiles.load(dir.resolve("missing")));
    }
}
