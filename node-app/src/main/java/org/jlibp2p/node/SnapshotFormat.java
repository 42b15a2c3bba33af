package org.jlibp2p.node;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.jlibp2p.core.FormatException;

/**
 * The framing of the data directory's snapshot files: a magic string naming what the file holds, the CRC32C of the
 * payload, then the payload, whose variable fields are a 4-byte length and that many bytes. Files are replaced whole
 * ({@link AtomicFiles#write}).
 */
final class SnapshotFormat {
    private SnapshotFormat() {}

    /** Replaces {@code file} with {@code payload} framed by {@code magic} and its checksum. */
    static void write(Path file, byte[] magic, byte[] payload) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        AtomicFiles.write(file, ByteBuffer.allocate(magic.length + 4 + payload.length).put(magic)
                .putInt((int) crc.getValue()).put(payload).array());
    }

    /**
     * The payload of a file's bytes, once its magic and checksum are checked.
     *
     * @param kind what the file should be, for the message ("routing table snapshot")
     * @throws FormatException if the file is not one, is damaged or cut short
     */
    static ByteBuffer payload(byte[] all, byte[] magic, String kind) throws FormatException {
        if (all.length < magic.length + 4 || !Arrays.equals(all, 0, magic.length, magic, 0, magic.length)) {
            throw new FormatException("not a " + kind + " of this daemon");
        }
        ByteBuffer in = ByteBuffer.wrap(all, magic.length, all.length - magic.length);
        int sum = in.getInt();
        CRC32C crc = new CRC32C();
        crc.update(all, in.position(), in.remaining());
        if ((int) crc.getValue() != sum) {
            throw new FormatException("checksum mismatch (damaged or cut short)");
        }
        return in;
    }

    static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** A field of at most {@code max} bytes. */
    static byte[] bytes(ByteBuffer in, int max) throws FormatException {
        if (in.remaining() < 4) {
            throw new FormatException("cut short");
        }
        int n = in.getInt();
        if (n < 0 || n > max || n > in.remaining()) {
            throw new FormatException("a field of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }
}
