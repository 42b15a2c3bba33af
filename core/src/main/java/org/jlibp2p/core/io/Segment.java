package org.jlibp2p.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Bytes {@code [offset, offset + length)} of an array whose holder now owns it. A buffering input may lend a whole
 * pooled buffer this way instead of copying the bytes out of it (see {@link Reader}); {@link #release()} gives such a
 * buffer back to its pool once the bytes are consumed. Not thread-safe: one owner at a time.
 */
public final class Segment {
    private final byte[] array;
    private final int offset;
    private final int length;
    private final BufferPool pool;

    private Segment(byte[] array, int offset, int length, BufferPool pool) {
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.pool = pool;
    }

    /** The whole of {@code bytes}, owned by the holder; nothing to give back. */
    public static Segment of(byte[] bytes) {
        return new Segment(Objects.requireNonNull(bytes, "bytes"), 0, bytes.length, null);
    }

    /** Part of a buffer taken from {@code pool}, to which {@link #release()} returns it. */
    public static Segment lent(byte[] buffer, int offset, int length, BufferPool pool) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        return new Segment(buffer, offset, length, Objects.requireNonNull(pool, "pool"));
    }

    /**
     * Reads exactly {@code length} bytes as a segment: from a {@link Reader} (which may lend a buffer), else into a
     * new array.
     *
     * @throws TruncatedFrameException if the stream ends first
     */
    public static Segment read(InputStream in, int length) throws IOException {
        if (in instanceof Reader r) {
            return r.readSegment(length);
        }
        return of(LengthPrefixed.readExactly(in, length));
    }

    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** Gives a lent buffer back to its pool; the holder must not touch the array afterwards. */
    public void release() {
        if (pool != null) {
            pool.give(array);
        }
    }

    /** An input that can hand out what it has buffered as segments. */
    public interface Reader {
        /**
         * Reads exactly {@code length} bytes. When they are all that is left of a buffered block, the block's buffer
         * may be lent rather than copied; implementations lend only buffers the bytes fill at least half of, so that
         * a held segment pins at most twice its length.
         *
         * @throws TruncatedFrameException if the stream ends first
         */
        Segment readSegment(int length) throws IOException;
    }
}
