package org.jlibp2p.ipfs.unixfs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Directory entry names: which are safe, and the order links are written in (UTF-8 bytes, unsigned). */
public final class UnixFsNames {
    /** The longest name taken (a Linux file name is at most 255 bytes; this leaves room for others). */
    public static final int MAX_NAME_BYTES = 4096;

    /** dag-pb's link order: by the names' UTF-8 bytes, compared unsigned. */
    public static final Comparator<String> ORDER = (a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b));

    private UnixFsNames() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks that {@code name} is one file name: not empty, not {@code .} or {@code ..}, without {@code /} or NUL,
     * at most {@link #MAX_NAME_BYTES} bytes.
     *
     * @throws UnsafeNameException if it is not
     */
    public static String check(String name) throws UnsafeNameException {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new UnsafeNameException("directory entry named '" + name + "'");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new UnsafeNameException("directory entry name with '/' or NUL: " + printable(name));
        }
        if (utf8(name).length > MAX_NAME_BYTES) {
            throw new UnsafeNameException("directory entry name of more than " + MAX_NAME_BYTES + " bytes");
        }
        return name;
    }

    static String printable(String name) {
        StringBuilder b = new StringBuilder("'");
        name.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('\'').toString();
    }
}
